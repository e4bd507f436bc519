import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { connectTemporalClient, createKafka } from '../platform/clients';
import { loadConfig, type Config } from '../platform/config';
import { ensureSearchAttributes } from './search-attributes';
import { runMain } from '../platform/entry';
import { ensureTopics } from './topics';
import { createWorker } from './temporal-worker';

/** The lifecycle lists by search attributes; register them where missing (a cluster may not allow it: then say how). */
async function registerSearchAttributes(cfg: Config): Promise<void> {
  const connection = await connectTemporalClient(cfg);
  try {
    const added = await ensureSearchAttributes(connection, cfg.temporal.namespace);
    if (added.length > 0) process.stdout.write(`registered search attributes ${added.join(', ')} in ${cfg.temporal.namespace}\n`);
  } catch (err) {
    process.stderr.write(`! could not check or register the search attributes (${(err as Error).message}); register them once as the README shows\n`);
  } finally {
    await connection.close();
  }
}

/** Process entry point: the Temporal worker. The SDK's runtime drains the worker on SIGINT/SIGTERM. */
runMain(async () => {
  const cfg = loadConfig();
  const level: LogLevel = cfg.logLevel === 'debug' ? 'DEBUG' : cfg.logLevel === 'info' ? 'WARN' : cfg.logLevel === 'warn' ? 'WARN' : 'ERROR';
  Runtime.install({ logger: new DefaultLogger(level) });
  await ensureTopics(createKafka(cfg), cfg);
  await registerSearchAttributes(cfg);
  const { worker, close } = await createWorker(cfg);
  process.stdout.write(`worker polling task queue on ${cfg.temporal.address} (namespace ${cfg.temporal.namespace})\n`);
  await worker.run();
  await close();
});
