/**
 * The API under test in `npm run bench:api`, in a child process: `buildApi` wired like the HTTP service
 * (services/http.ts), with the real Temporal client on the bench's task queue and Redis read models, tokens and
 * idempotency records under the bench's key prefix. Not run on its own: the bench forks it with
 * BENCH_API_TASK_QUEUE and BENCH_API_PREFIX set.
 */
import { Client } from '@temporalio/client';
import { defaultPolicy } from '../domain/policy';
import { connectTemporalClient, createRedis } from '../infra/clients';
import { loadConfig } from '../infra/config';
import { ReadModelReader } from '../projections/runner/reader';
import { buildApi } from '../services/api/app';
import { IdempotencyStore } from '../services/api/idempotency';
import { TokenStore } from '../services/api/tokens';
import { LifecycleClient } from '../services/lifecycle-client';
import { serveChild } from './api-child';

serveChild('api', async () => {
  const taskQueue = process.env.BENCH_API_TASK_QUEUE;
  const prefix = process.env.BENCH_API_PREFIX;
  if (taskQueue === undefined || prefix === undefined) throw new Error('set BENCH_API_TASK_QUEUE and BENCH_API_PREFIX (the bench does)');
  const cfg = loadConfig();
  const connection = await connectTemporalClient(cfg);
  const client = new Client({ connection, namespace: cfg.temporal.namespace });
  const redis = createRedis(cfg);
  const app = await buildApi({
    lifecycle: new LifecycleClient(client, taskQueue, defaultPolicy),
    reader: new ReadModelReader(redis, prefix),
    redis,
    tokens: new TokenStore(redis, prefix),
    idempotency: new IdempotencyStore(redis, 3600, prefix),
    bodyLimit: cfg.http.bodyLimit,
    readWaitMs: Number(process.env.BENCH_API_READ_WAIT_MS ?? cfg.http.readWaitMs),
  });
  return {
    app,
    async close() {
      await app.close();
      redis.disconnect();
      await connection.close();
    },
  };
});
