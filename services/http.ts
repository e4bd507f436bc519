import type { FastifyInstance } from 'fastify';
import { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { connectTemporalClient, createRedis } from '../infra/clients';
import type { Config } from '../infra/config';
import { checkKafka, checkRedis, checkTemporal } from '../infra/health';
import { loadPolicyFile } from '../infra/policy-file';
import { ReadModelReader } from '../projections/runner/reader';
import { buildApi } from './api/app';
import { LifecycleClient } from './lifecycle-client';

/** The HTTP service with its connections, so whoever runs it can close them. */
export interface HttpService {
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The HTTP service wired to the configured Temporal, Redis and policy: the operations API under /api/v1, /healthz,
 * /readyz, /metrics, /openapi.json and /docs.
 */
export async function buildHttpService(cfg: Config, opts: { taskQueue?: string; redis?: Redis } = {}): Promise<HttpService> {
  const connection = await connectTemporalClient(cfg);
  const client = new Client({ connection, namespace: cfg.temporal.namespace });
  const redis = opts.redis ?? createRedis(cfg);
  const policy = await loadPolicyFile(cfg.policyFile);
  const app = await buildApi({
    lifecycle: new LifecycleClient(client, opts.taskQueue, policy),
    reader: new ReadModelReader(redis),
    redis,
    bodyLimit: cfg.http.bodyLimit,
    readWaitMs: cfg.http.readWaitMs,
    readiness: async () => {
      const [temporal, kafka, redisHealth] = await Promise.all([checkTemporal(cfg), checkKafka(cfg), checkRedis(cfg)]);
      return { ready: temporal.ok && kafka.ok && redisHealth.ok, temporal, kafka, redis: redisHealth };
    },
  });
  return {
    app,
    async close() {
      await app.close();
      if (opts.redis === undefined) redis.disconnect();
      await connection.close();
    },
  };
}
