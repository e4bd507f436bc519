import type { Config } from './config';
import { connectTemporalClient, createKafka, createRedis } from './clients';

export interface Health {
  ok: boolean;
  detail: string;
  ms: number;
}

async function timed(fn: () => Promise<string>): Promise<Health> {
  const started = Date.now();
  try {
    const detail = await fn();
    return { ok: true, detail, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, detail: (err as Error).message.split('\n')[0] ?? String(err), ms: Date.now() - started };
  }
}

/** Temporal's gRPC health service, plus the namespace partnerflow uses. */
export function checkTemporal(cfg: Config): Promise<Health> {
  return timed(async () => {
    const connection = await connectTemporalClient(cfg, 3000);
    try {
      const health = await connection.healthService.check({});
      // 1 = SERVING in grpc.health.v1.
      if (Number(health.status) !== 1) throw new Error(`health status ${String(health.status)}`);
      await connection.workflowService.describeNamespace({ namespace: cfg.temporal.namespace });
      return `serving, namespace ${cfg.temporal.namespace}`;
    } finally {
      await connection.close();
    }
  });
}

/** A metadata request answered by the broker. */
export function checkKafka(cfg: Config): Promise<Health> {
  return timed(async () => {
    const admin = createKafka(cfg, { connectionTimeout: 2000, requestTimeout: 3000, retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      return `${cluster.brokers.length} broker(s), controller ${cluster.controller ?? 'none'}`;
    } finally {
      await admin.disconnect();
    }
  });
}

/** PING. */
export function checkRedis(cfg: Config): Promise<Health> {
  return timed(async () => {
    const redis = createRedis(cfg, { probe: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const pong = await redis.ping();
      return pong;
    } finally {
      redis.disconnect();
    }
  });
}
