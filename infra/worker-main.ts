import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { createKafka } from './clients';
import { loadConfig } from './config';
import { runMain } from './entry';
import { ensureTopics } from './topics';
import { createWorker } from './worker';

/** Process entry point: the Temporal worker. The SDK's runtime drains the worker on SIGINT/SIGTERM. */
runMain(async () => {
  const cfg = loadConfig();
  const level: LogLevel = cfg.logLevel === 'debug' ? 'DEBUG' : cfg.logLevel === 'info' ? 'WARN' : cfg.logLevel === 'warn' ? 'WARN' : 'ERROR';
  Runtime.install({ logger: new DefaultLogger(level) });
  await ensureTopics(createKafka(cfg), cfg);
  const { worker, close } = await createWorker(cfg);
  process.stdout.write(`worker polling task queue on ${cfg.temporal.address} (namespace ${cfg.temporal.namespace})\n`);
  await worker.run();
  await close();
});
