import type { FastifyInstance } from 'fastify';
import { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Policy } from '../domain/policy';
import { connectTemporalClient, createRedis } from '../platform/clients';
import type { Config } from '../platform/config';
import { checkKafka, checkRedis, checkTemporal } from '../platform/health';
import { loadPolicyFile } from '../platform/policy-file';
import { ReadModelReader } from '../projections/runner/reader';
import { buildApi } from './api/app';
import { IdempotencyStore } from './api/idempotency';
import { cachedReadiness } from './api/readiness';
import { redactText } from '../platform/redact';
import { TokenStore } from './auth/tokens';
import { LifecycleClient } from './lifecycle-client';

/** The HTTP service with its connections, so whoever runs it can close them. */
export interface HttpService {
  app: FastifyInstance;
  lifecycle: LifecycleClient;
  tokens: TokenStore;
  close(): Promise<void>;
}

/** Where a service's pieces live; the defaults are production's, tests and benches give their own. */
export interface HttpServiceOptions {
  /** The lifecycle workers' task queue. */
  taskQueue?: string;
  /** Root of the Redis keys: read models, tokens, idempotency records. */
  keyPrefix?: string;
  /** The policy pinned to new partnerships (default: `PARTNERFLOW_POLICY_FILE`, else the built-in one). */
  policy?: Policy;
  /** A Redis client to use (and leave open) instead of a new one. */
  redis?: Redis;
  /** Overrides `PARTNERFLOW_READ_WAIT_MS`. */
  readWaitMs?: number;
  /** See `ApiDeps.checkResponses`. */
  checkResponses?: boolean;
  /** Overrides `HTTP_RATE_LIMIT` (requests a minute per token; 0: none). */
  rateLimitPerMinute?: number;
}

/**
 * The HTTP service wired to the configured Temporal, Redis and policy: the operations API under /api/v1, /healthz,
 * /readyz, /metrics, /openapi.json and /docs.
 */
export async function buildHttpService(cfg: Config, opts: HttpServiceOptions = {}): Promise<HttpService> {
  const connection = await connectTemporalClient(cfg);
  const client = new Client({ connection, namespace: cfg.temporal.namespace });
  const redis = opts.redis ?? createRedis(cfg);
  const prefix = opts.keyPrefix ?? cfg.redis.prefix;
  const lifecycle = new LifecycleClient(client, opts.taskQueue, opts.policy ?? (await loadPolicyFile(cfg.policyFile)));
  const tokens = new TokenStore(redis, prefix);
  const app = await buildApi({
    lifecycle,
    reader: new ReadModelReader(redis, prefix),
    redis,
    tokens,
    idempotency: new IdempotencyStore(redis, undefined, prefix),
    bodyLimit: cfg.http.bodyLimit,
    readWaitMs: opts.readWaitMs ?? cfg.http.readWaitMs,
    checkResponses: opts.checkResponses ?? false,
    readiness: cachedReadiness(
      { temporal: () => checkTemporal(cfg), kafka: () => checkKafka(cfg), redis: () => checkRedis(cfg) },
      { log: (line) => process.stderr.write(`${redactText(line)}\n`) },
    ),
    protection: { requestTimeoutMs: cfg.http.requestTimeoutMs, rateLimitPerMinute: opts.rateLimitPerMinute ?? cfg.http.rateLimitPerMinute },
    maxReadWaiters: cfg.http.maxReadWaiters,
  });
  return {
    app,
    lifecycle,
    tokens,
    async close() {
      await app.close();
      if (opts.redis === undefined) redis.disconnect();
      await connection.close();
    },
  };
}
