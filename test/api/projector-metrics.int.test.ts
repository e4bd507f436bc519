import type { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createKafka, createRedis } from '../../platform/clients';
import { serveProjectorMetrics } from '../../infra/projector-metrics';
import { READ_MODELS } from '../../projections/read-models';
import { startProjector, type Projector } from '../../projections/runner';
import { createTopics, removeSandbox, sandbox } from '../projections/support/harness';
import { eventually, testConfig } from '../support/stack';

describe("the projector's Prometheus endpoint", () => {
  const box = sandbox('projector-metrics');
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let redis: Redis;
  let projector: Projector;

  beforeAll(async () => {
    const cfg = testConfig();
    kafka = createKafka(cfg);
    admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, box, 2);
    producer = kafka.producer();
    await producer.connect();
    redis = createRedis(cfg);
    projector = await startProjector({
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      deadLetterTopic: box.deadLetterTopic,
      groupId: box.group('p'),
      keyPrefix: box.prefix,
    });
  });
  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await removeSandbox(admin, redis, box, [box.group('p')]);
    await admin?.disconnect();
    redis?.disconnect();
  });

  test('serves consumed, dead-lettered and lag figures that follow what the projector did', async () => {
    const { server, port } = await serveProjectorMetrics(() => projector.metrics(), '127.0.0.1', 0);
    try {
      await producer.send({ topic: box.topic, acks: -1, messages: [1, 2, 3].map((n) => ({ key: `p${n}`, value: `not json ${n}` })) });
      const text = await eventually(async () => {
        const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /partnerflow_projector_messages_consumed_total 3\b/.test(t) ? t : undefined;
      });
      expect(text).toMatch(/partnerflow_projector_dead_lettered_total\{[^}]*\} 3\b/);
      expect(text).toMatch(/# TYPE partnerflow_projector_lag gauge/);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
