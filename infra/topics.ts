import type { Kafka } from 'kafkajs';
import type { Config } from './config';
import { TOPICS } from '../domain/names';

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
    const wanted = [TOPICS.lifecycleEvents, TOPICS.deadLetter].filter((t) => !existing.has(t));
    if (wanted.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((topic) => ({
        topic,
        numPartitions: cfg.kafka.partitions,
        replicationFactor: cfg.kafka.replicationFactor,
        configEntries: forever,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
