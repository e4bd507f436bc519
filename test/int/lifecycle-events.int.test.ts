import { Client, WithStartWorkflowOperation, type Connection } from '@temporalio/client';
import { partnershipWorkflowId } from '../../domain/names';
import type { partnershipLifecycleWorkflow } from '../../workflows/lifecycle';
import { commandUpdates } from '../../workflows/messages';
import type { Kafka } from 'kafkajs';
import { compressedPolicy } from '../../domain/policy';
import { createKafkaPublisher, type EventPublisher } from '../../activities/publisher';
import { cloudEventSchema, type CloudEvent } from '../../domain/cloudevent';
import { connectTemporalClient, createKafka } from '../../platform/clients';
import type { Config } from '../../platform/config';
import { createWorker, type RunningWorker } from '../../infra/temporal-worker';
import { CommandRefused, LifecycleClient } from '../../services/lifecycle-client';
import { driveTo, people, registered, registrationData } from '../support/lifecycle';
import { createTestTopic, eventually, quietTemporalLogs, testConfig, unique, workflowBundle } from '../support/stack';

/** Reads every message of a topic from the beginning (one consumer group per call). */
async function readTopic(kafka: Kafka, topic: string, until: (events: CloudEvent[]) => boolean): Promise<CloudEvent[]> {
  const consumer = kafka.consumer({ groupId: unique('test-reader') });
  const events: CloudEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        events.push(cloudEventSchema.parse(JSON.parse(message.value?.toString() ?? '')));
      },
    });
    await eventually(async () => (until(events) ? true : undefined), 30_000, `events on ${topic}`);
    return events;
  } finally {
    await consumer.disconnect();
  }
}

describe('lifecycle events on the real Temporal dev server and Kafka', () => {
  let cfg: Config;
  let kafka: Kafka;
  let connection: Connection;
  let lc: LifecycleClient;
  let client: Client;
  let publisher: EventPublisher;
  let running: RunningWorker;
  let done: Promise<void>;
  let topic: string;
  let removeTopic: () => Promise<void>;
  const taskQueue = unique('test-lifecycle-events');
  let failNextPublishAfterWrite = 0;

  beforeAll(async () => {
    quietTemporalLogs();
    cfg = testConfig();
    kafka = createKafka(cfg);
    ({ topic, remove: removeTopic } = await createTestTopic(kafka, 'test.lifecycle-events'));
    const real = await createKafkaPublisher(kafka, topic);
    // The real publisher, except that it can lose the broker's acknowledgement after a successful write: the
    // activity then fails and Temporal retries it, publishing the same events again.
    publisher = {
      async publish(events) {
        await real.publish(events);
        if (failNextPublishAfterWrite > 0) {
          failNextPublishAfterWrite -= 1;
          throw new Error('acknowledgement lost after the write');
        }
      },
      close: () => real.close(),
    };
    running = await createWorker(cfg, { publisher, worker: { taskQueue, workflowBundle: await workflowBundle() } });
    done = running.worker.run();
    connection = await connectTemporalClient(cfg);
    client = new Client({ connection, namespace: cfg.temporal.namespace });
    lc = new LifecycleClient(client, taskQueue);
  });

  afterAll(async () => {
    running?.worker.shutdown();
    await done;
    await running?.close();
    await publisher?.close();
    await connection?.close();
    await removeTopic?.();
  });

  test('every event reaches Kafka keyed by partnership, with gapless sequences, and a retried publish repeats the same ids', async () => {
    const id = unique('kafka-events');
    await lc.register(registrationData(id, compressedPolicy), people.ops);
    failNextPublishAfterWrite = 1;
    await lc.command(
      id,
      'SubmitScreeningScore',
      { evaluator: people.exec.id, scores: { 'strategic-fit': 4, 'market-impact': 4, 'technical-compatibility': 4, 'financial-value': 4, risk: 4 } },
      people.exec,
    );
    const state = await driveTo(lc, id, 'dd.detailed', compressedPolicy);
    expect(failNextPublishAfterWrite).toBe(0);

    const events = await readTopic(kafka, topic, (es) => es.filter((e) => e.subject === id).some((e) => e.sequence === state.sequence));
    const mine = events.filter((e) => e.subject === id);
    const unique_ = new Map(mine.map((e) => [e.id, e]));
    // The retried publish wrote its events twice, with the same ids: a consumer can drop the copies.
    expect(mine.length).toBeGreaterThan(unique_.size);
    const sequences = [...unique_.values()].map((e) => e.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: state.sequence }, (_, i) => i + 1));
    for (const e of unique_.values()) {
      expect(e.id).toBe(`${id}/${e.sequence}`);
      expect(e.type).toMatch(/^partnerflow\.partnership\.[a-z-]+$/);
      expect(e.source).toBe('urn:partnerflow');
    }
    // Per-partnership order on the log: the first copy of each sequence arrives in sequence order.
    const firstSeen = mine.filter((e, i) => mine.findIndex((x) => x.id === e.id) === i).map((e) => e.sequence);
    expect(firstSeen).toEqual(sequences);
  });

  test('a command delivered with the very first workflow task sees the registration (update-with-start)', async () => {
    const id = unique('first-task');
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof partnershipLifecycleWorkflow>('partnershipLifecycleWorkflow', {
      workflowId: partnershipWorkflowId(id),
      taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ partnershipId: id, registration: { data: registrationData(id, compressedPolicy), actor: people.ops } }],
    });
    const scores = { 'strategic-fit': 4, 'market-impact': 4, 'technical-compatibility': 4, 'financial-value': 4, risk: 4 };
    const result = await client.workflow.executeUpdateWithStart(commandUpdates.SubmitScreeningScore, {
      args: [{ type: 'SubmitScreeningScore', data: { evaluator: people.exec.id, scores }, actor: people.exec }],
      startWorkflowOperation,
    });
    expect(result.events.map((e) => e.type)).toContain('ScreeningScoreSubmitted');
    expect(registered(result.state).screening.composite).toBe(4);
  });

  test('a refused command leaves no trace at all in the history of a real Temporal server', async () => {
    const id = unique('no-trace');
    const handle = await lc.register(registrationData(id, compressedPolicy), people.ops);
    await driveTo(lc, id, 'due_diligence', compressedPolicy);
    const settled = async () => {
      let last = -1;
      for (;;) {
        const length = (await handle.fetchHistory()).events?.length ?? 0;
        if (length === last) return length;
        last = length;
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    const before = await settled();
    await expect(lc.command(id, 'DecideGate', { gate: 'launch', outcome: 'advance', rationale: 'rush' }, people.ops)).rejects.toThrow(CommandRefused);
    await expect(lc.command(id, 'DecideGate', { gate: 'dd.preliminary', outcome: 'advance', rationale: 'x' }, people.viewer)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await settled()).toBe(before);
    expect(registered(await lc.state(id)).stage).toBe('due_diligence');
  });
});
