import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../infra/config';
import { checkKafka, checkRedis, checkTemporal } from '../infra/health';

/** The HTTP service. Minimal for now: liveness and readiness; the operations API mounts here. */
export function buildHttpService(cfg: Config): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const [temporal, kafka, redis] = await Promise.all([checkTemporal(cfg), checkKafka(cfg), checkRedis(cfg)]);
    const ready = temporal.ok && kafka.ok && redis.ok;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', temporal, kafka, redis });
  });

  return app;
}
