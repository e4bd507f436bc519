import { createKafka, createRedis } from './clients';
import { loadConfig } from './config';
import { runMain, untilSignal } from './entry';
import { ensureTopics } from './topics';
import { startProjector } from '../projections/runner';

/** Process entry point: the projection worker (Kafka → Redis). */
runMain(async () => {
  const cfg = loadConfig();
  const kafka = createKafka(cfg);
  await ensureTopics(kafka, cfg);
  const redis = createRedis(cfg);
  const projector = await startProjector({ kafka, redis });
  process.stdout.write(`projector consuming ${cfg.kafka.brokers.join(',')} into ${cfg.redis.url.replace(/\/\/[^@]*@/, '//***@')}\n`);
  await untilSignal();
  await projector.stop();
  redis.disconnect();
});
