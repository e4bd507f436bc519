import type { Kafka } from 'kafkajs';
import type { Config } from '../platform/config';
import { TOPICS } from '../domain/names';

/** A probe event only has to live until its probe has seen it arrive in Redis. */
const PROBE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Creates partnerflow's topics if missing, with explicit settings: the lifecycle log is retained forever. */
export async function ensureTopics(kafka: Kafka, cfg: Config): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const forever = [
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'min.insync.replicas', value: String(Math.min(2, cfg.kafka.replicationFactor)) },
    ];
    const probe = [
      { name: 'retention.ms', value: String(PROBE_RETENTION_MS) },
      { name: 'cleanup.policy', value: 'delete' },
    ];
    const topics = [
      { topic: TOPICS.lifecycleEvents, numPartitions: cfg.kafka.partitions, configEntries: forever },
      { topic: TOPICS.deadLetter, numPartitions: cfg.kafka.partitions, configEntries: forever },
      { topic: TOPICS.probe, numPartitions: 1, configEntries: probe },
    ];
    const wanted = topics.filter((t) => !existing.has(t.topic));
    if (wanted.length === 0) return;
    await admin.createTopics({ waitForLeaders: true, topics: wanted.map((t) => ({ ...t, replicationFactor: cfg.kafka.replicationFactor })) });
  } finally {
    await admin.disconnect();
  }
}
