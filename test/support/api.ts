import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createKafkaPublisher, type EventPublisher } from '../../activities/publisher';
import { compressedPolicy, type Policy } from '../../domain/policy';
import type { Role } from '../../domain/roles';
import { createKafka, createRedis } from '../../platform/clients';
import type { Config } from '../../platform/config';
import { createWorker, type RunningWorker } from '../../infra/temporal-worker';
import { READ_MODELS } from '../../projections/read-models';
import { startProjector, type Projector } from '../../projections/runner';
import { unlinkMatching, escapeGlob } from '../../projections/runner/store';
import type { TokenStore } from '../../services/auth/tokens';
import { buildHttpService } from '../../services/http';
import type { LifecycleClient } from '../../services/lifecycle-client';
import { people } from './lifecycle';
import { createTestTopic, quietTemporalLogs, testConfig, unique, workflowBundle } from './stack';

/** The people of `test/support/lifecycle.ts`, each with a token, plus an admin, a multi-role person and a revoked token. */
export type Persona = 'admin' | 'ops' | 'exec' | 'legal' | 'owner' | 'viewer' | 'opsLegal' | 'revoked';

/**
 * The whole system for API tests, on the real stack: a lifecycle worker on its own task queue publishing to its own
 * Kafka topic, a projector folding that topic into Redis under its own key prefix, and the API listening on a free
 * port, with one bearer token per persona.
 */
export interface ApiSystem {
  url: string;
  app: FastifyInstance;
  cfg: Config;
  redis: Redis;
  kafka: Kafka;
  prefix: string;
  lifecycle: LifecycleClient;
  tokens: Record<Persona, string>;
  tokenStore: TokenStore;
  /** `fetch` against the API as a persona (or with no token when `as` is undefined). */
  call(method: string, path: string, opts?: { as?: Persona | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests assert on the shape
  contentType: string;
}

/**
 * `http` overrides the HTTP settings (timeouts, waiters, rate limit); tests run without a rate limit unless they set
 * one, since a matrix test sends more than a person would.
 */
export async function startApiSystem(name: string, opts: { policy?: Policy; readWaitMs?: number; http?: Partial<Config['http']> } = {}): Promise<ApiSystem> {
  quietTemporalLogs();
  const base = testConfig();
  const cfg: Config = { ...base, http: { ...base.http, rateLimitPerMinute: 0, ...opts.http } };
  const kafka = createKafka(cfg);
  const { topic, remove: removeTopic } = await createTestTopic(kafka, `test.api.${name}`);
  const deadLetterTopic = `${topic}.dlq`;
  const prefix = `pf-test-${unique(name)}`;
  const taskQueue = unique(`test-api-${name}`);
  const publisher: EventPublisher = await createKafkaPublisher(kafka, topic);
  const running: RunningWorker = await createWorker(cfg, { publisher, worker: { taskQueue, workflowBundle: await workflowBundle() } });
  const done = running.worker.run();
  const redis = createRedis(cfg);
  const projector: Projector = await startProjector({
    kafka,
    redis,
    projections: READ_MODELS,
    topic,
    deadLetterTopic,
    groupId: `${prefix}-projector`,
    keyPrefix: prefix,
  });
  // The service exactly as `npm start` builds it, on this test's task queue and key prefix.
  const service = await buildHttpService(cfg, {
    taskQueue,
    keyPrefix: prefix,
    policy: opts.policy ?? compressedPolicy,
    redis,
    readWaitMs: opts.readWaitMs ?? 15_000,
    checkResponses: true,
  });
  const { app, lifecycle, tokens: tokenStore } = service;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  const mint = async (person: string, roles: Role[]) => (await tokenStore.create({ name: person, roles })).token;
  const tokens: Record<Persona, string> = {
    admin: await mint('ada.admin', ['admin']),
    ops: await mint(people.ops.id, ['ops']),
    exec: await mint(people.exec.id, ['exec']),
    legal: await mint(people.legal.id, ['legal']),
    owner: await mint(people.owner.id, ['owner']),
    viewer: await mint(people.viewer.id, ['viewer']),
    opsLegal: await mint('lou.opslegal', ['ops', 'legal']),
    revoked: await mint('rex.revoked', ['admin']),
  };
  const revoked = (await tokenStore.list()).find((t) => t.name === 'rex.revoked');
  if (revoked !== undefined) await tokenStore.revoke(revoked.tokenId);

  return {
    url,
    app,
    cfg,
    redis,
    kafka,
    prefix,
    lifecycle,
    tokens,
    tokenStore,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.as !== null) headers.authorization = `Bearer ${tokens[o.as ?? 'admin']}`;
      let body: string | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      let parsed: unknown = text;
      if (/json/.test(contentType) && text !== '') parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed, contentType };
    },
    async close() {
      await service.close();
      await projector.stop();
      running.worker.shutdown();
      await done;
      await running.close();
      await publisher.close();
      await unlinkMatching(redis, `${escapeGlob(prefix)}:*`);
      redis.disconnect();
      await removeTopic();
    },
  };
}
