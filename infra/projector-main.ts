import { createKafka, createRedis } from '../platform/clients';
import { loadConfig } from '../platform/config';
import { runMain, untilSignal } from '../platform/entry';
import { serveProjectorMetrics } from './projector-metrics';
import { ensureTopics } from './topics';
import { PROJECTOR_GROUP, TOPICS } from '../domain/names';
import { READ_MODELS } from '../projections/read-models';
import { probeProjection } from '../projections/probe/read-model';
import { startProjector } from '../projections/runner';
import { redactUrl } from '../platform/redact';

const METRICS_LOG_MS = 60_000;

/** Process entry point: the projection worker (Kafka → Redis read models). */
runMain(async () => {
  const cfg = loadConfig();
  const kafka = createKafka(cfg);
  await ensureTopics(kafka, cfg);
  const redis = createRedis(cfg);
  // The probe's events have a topic of their own, folded by a consumer of their own.
  const [projector, probes] = await Promise.all([
    startProjector({ kafka, redis, projections: READ_MODELS, keyPrefix: cfg.redis.prefix }),
    startProjector({ kafka, redis, projections: [probeProjection], topic: TOPICS.probe, groupId: `${PROJECTOR_GROUP}.probe`, keyPrefix: cfg.redis.prefix }),
  ]);
  const { server, port } = await serveProjectorMetrics(() => projector.metrics(), cfg.http.host, cfg.http.projectorMetricsPort);
  process.stdout.write(`projector metrics on http://${cfg.http.host}:${port}/metrics\n`);
  process.stdout.write(`projector keeping ${READ_MODELS.map((m) => m.name).join(', ')} from ${cfg.kafka.brokers.join(',')} in ${redactUrl(cfg.redis.url)}\n`);
  const timer = setInterval(() => {
    const m = projector.metrics();
    process.stdout.write(`projector: ${m.consumed} consumed, ${m.rate.toFixed(0)}/s, lag ${m.totalLag}, dead-lettered ${m.deadLetteredTotal}\n`);
  }, METRICS_LOG_MS);
  timer.unref();
  const signal = await untilSignal();
  process.stdout.write(`projector: ${signal}, finishing the batch in hand\n`);
  clearInterval(timer);
  server.close();
  await Promise.all([projector.stop(), probes.stop()]);
  redis.disconnect();
});
