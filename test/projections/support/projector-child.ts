import { createKafka, createRedis } from '../../../platform/clients';
import { loadConfig } from '../../../platform/config';
import { READ_MODELS } from '../../../projections/read-models';
import { startProjector, type Projector } from '../../../projections/runner';

/*
 * The projector as a separate process, for tests that kill it. Configured by environment:
 * PF_TEST_TOPIC, PF_TEST_DLQ, PF_TEST_GROUP, PF_TEST_PREFIX, PF_TEST_MAX_BYTES (fetch size per partition),
 * PF_TEST_APPLY_DELAY_MS (pause after Redis has a batch, before its offset is committed: the window a kill aims at).
 * Prints `ready`, then `applied <partition> <first>-<last> duplicates=<n>` after each batch reaches Redis.
 */
function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  const redis = createRedis(cfg);
  const delay = Number(process.env.PF_TEST_APPLY_DELAY_MS ?? '0');
  const self: { projector?: Projector } = {};
  const projector = await startProjector({
    kafka: createKafka(cfg),
    redis,
    projections: READ_MODELS,
    topic: env('PF_TEST_TOPIC'),
    deadLetterTopic: env('PF_TEST_DLQ'),
    groupId: env('PF_TEST_GROUP'),
    keyPrefix: env('PF_TEST_PREFIX'),
    maxBytesPerPartition: Number(process.env.PF_TEST_MAX_BYTES ?? 16_384),
    partitionsConcurrently: 2,
    // A killed member is only evicted when its session times out; keep that short so restarts rejoin quickly.
    consumerConfig: { sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000 },
    log: (line) => process.stdout.write(`log ${line}\n`),
    afterApply: async (batch) => {
      const first = batch.firstOffset;
      const last = batch.lastOffset;
      const duplicates = Object.values(self.projector?.metrics().models ?? {}).reduce((n, m) => n + m.duplicates, 0);
      process.stdout.write(`applied ${batch.partition} ${first}-${last} duplicates=${duplicates}\n`);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    },
  });
  self.projector = projector;
  process.stdout.write('ready\n');
  const stop = () => {
    void projector
      .stop()
      .then(() => {
        process.stdout.write(`stopped ${JSON.stringify(projector.metrics())}\n`);
        redis.disconnect();
      })
      .catch((e: unknown) => {
        process.stderr.write(`stop failed: ${String(e)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`projector child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
