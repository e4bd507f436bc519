/**
 * The API under test in `npm run bench:api`, in a child process: the HTTP service exactly as `npm start` builds it
 * (services/http.ts), on the bench's task queue and Redis key prefix. Not run on its own: the bench forks it with
 * BENCH_API_TASK_QUEUE and BENCH_API_PREFIX set.
 */
import { defaultPolicy } from '../domain/policy';
import { loadConfig } from '../platform/config';
import { buildHttpService } from '../services/http';
import { serveChild } from './api-child';

serveChild('api', async () => {
  const taskQueue = process.env.BENCH_API_TASK_QUEUE;
  const prefix = process.env.BENCH_API_PREFIX;
  if (taskQueue === undefined || prefix === undefined) throw new Error('set BENCH_API_TASK_QUEUE and BENCH_API_PREFIX (the bench does)');
  const cfg = loadConfig();
  const readWaitMs = process.env.BENCH_API_READ_WAIT_MS === undefined ? undefined : Number(process.env.BENCH_API_READ_WAIT_MS);
  // No rate limit: the bench measures what the service can serve, with one token sending far more than a person would.
  return buildHttpService(cfg, {
    taskQueue,
    keyPrefix: prefix,
    policy: defaultPolicy,
    rateLimitPerMinute: 0,
    ...(readWaitMs === undefined ? {} : { readWaitMs }),
  });
});
