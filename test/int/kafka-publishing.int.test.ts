import { ActivityFailure, ApplicationFailure, Client, WorkflowFailedError, type Connection } from '@temporalio/client';
import { CloudEvent as SdkCloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createActivities } from '../../activities/lifecycle-activities';
import { createKafkaPublisher, EventTooLargeError, PUBLISH_REQUEST_BUDGET_BYTES, type EventPublisher } from '../../activities/publisher';
import { toCloudEvent, type CloudEvent } from '../../domain/cloudevent';
import { decide, initialState, type CommandInput, type Event } from '../../domain';
import { compressedPolicy } from '../../domain/policy';
import { connectTemporalClient, createKafka } from '../../platform/clients';
import type { Config } from '../../platform/config';
import { createWorker, type RunningWorker } from '../../infra/temporal-worker';
import { LifecycleClient } from '../../services/lifecycle-client';
import { people, registrationData } from '../support/lifecycle';
import { createTestTopic, eventually, quietTemporalLogs, testConfig, unique, workflowBundle } from '../support/stack';

const MiB = 1024 * 1024;

/** Reads a topic from the beginning until the messages of `key` satisfy `done`; returns those messages, in log order. */
async function readKey(kafka: Kafka, topic: string, key: string, done: (messages: KafkaMessage[]) => boolean): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: unique('test-reader'), maxWaitTimeInMs: 100 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void (text(message.key) === key && seen.push(message)) });
    await eventually(async () => (done(seen) ? true : undefined), 60_000, `messages of ${key} on ${topic} (have ${seen.length})`);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** A Kafka client whose producers count the produce requests they send (kafkajs' own request instrumentation). */
function countingProduceRequests(kafka: Kafka): { kafka: Kafka; requests: () => number } {
  let requests = 0;
  const counting = Object.create(kafka) as Kafka;
  counting.producer = (config) => {
    const producer = kafka.producer(config);
    producer.on(producer.events.REQUEST, (e) => {
      if (e.payload.apiName === 'Produce') requests += 1;
    });
    return producer;
  };
  return { kafka: counting, requests: () => requests };
}

/** `n` events of one subject, `bytes` of data each. */
function padded(subject: string, n: number, bytes: number): CloudEvent[] {
  return Array.from({ length: n }, (_, i) =>
    toCloudEvent({
      type: 'partnerflow.test.padded',
      subject,
      sequence: i + 1,
      time: new Date(Date.UTC(2027, 0, 1, 0, i)).toISOString(),
      version: 1,
      data: { pad: 'x'.repeat(bytes) },
    }),
  );
}

/** The registration events of a partnership, as the lifecycle records them. */
function registrationEvents(id: string): Event[] {
  const command = {
    type: 'RegisterPartnership',
    data: registrationData(id, compressedPolicy),
    metadata: { actor: people.ops, now: '2027-01-04T09:00:00.000Z' },
  };
  const decision = decide(command as CommandInput, initialState);
  if (!decision.ok) throw new Error(decision.error.message);
  return decision.events;
}

const text = (v: Buffer | string | null | undefined) => (v === null || v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : v);

/** A Kafka message as the cloudevents SDK's Kafka binding reads it: headers and value as text. */
function sdkMessage(m: KafkaMessage) {
  const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, text(Array.isArray(v) ? v[0] : v) ?? '']));
  return { key: text(m.key) ?? '', value: text(m.value) ?? '', headers, body: text(m.value) ?? '', timestamp: m.timestamp };
}

describe('publishing to the real Kafka', () => {
  let cfg: Config;
  let kafka: Kafka;
  let topic: string;
  let removeTopic: () => Promise<void>;
  const publishers: EventPublisher[] = [];

  beforeAll(async () => {
    quietTemporalLogs();
    cfg = testConfig();
    kafka = createKafka(cfg);
    ({ topic, remove: removeTopic } = await createTestTopic(kafka, 'test.publishing', 1));
  });

  afterAll(async () => {
    for (const p of publishers) await p.close();
    await removeTopic?.();
  });

  async function publisherOn(k: Kafka, requestBudgetBytes?: number): Promise<EventPublisher> {
    const p = await createKafkaPublisher(k, topic, requestBudgetBytes === undefined ? {} : { requestBudgetBytes });
    publishers.push(p);
    return p;
  }

  test('a batch of more than 1 MiB goes out in several requests under the budget, and every event arrives in order', async () => {
    const { kafka: counted, requests } = countingProduceRequests(kafka);
    const publisher = await publisherOn(counted);
    const subject = unique('big-batch');
    const events = padded(subject, 48, 30_000);
    expect(events.reduce((n, e) => n + JSON.stringify(e).length, 0)).toBeGreaterThan(MiB);
    const before = requests();

    await publisher.publish(events);

    const sent = requests() - before;
    expect(sent).toBeGreaterThanOrEqual(Math.ceil((48 * 30_000) / PUBLISH_REQUEST_BUDGET_BYTES));
    const mine = (await readKey(kafka, topic, subject, (ms) => ms.length >= 48)).map((m) => JSON.parse(text(m.value) ?? '') as CloudEvent);
    expect(mine.map((e) => e.sequence)).toEqual(events.map((e) => e.sequence));
  });

  test('an event over the budget on its own is refused before anything of its publish is sent', async () => {
    const publisher = await publisherOn(kafka);
    const subject = unique('too-big');
    const [small, big] = [padded(subject, 1, 10)[0], { ...padded(subject, 2, PUBLISH_REQUEST_BUDGET_BYTES)[1] }] as CloudEvent[];

    await expect(publisher.publish([small as CloudEvent, big as CloudEvent])).rejects.toThrow(EventTooLargeError);
    await expect(publisher.publish([small as CloudEvent, big as CloudEvent])).rejects.toThrow(`event ${subject}/2`);

    // Published afterwards under the same key, a marker is the first message of this key on the log: the small event never went out.
    await publisher.publish(padded(subject, 1, 10).map((e) => ({ ...e, id: 'marker' })));
    const mine = await readKey(kafka, topic, subject, (ms) => ms.length > 0);
    expect(mine.map((m) => (JSON.parse(text(m.value) ?? '') as CloudEvent).id)).toEqual(['marker']);
  });

  test('the activity turns an unpublishable event into a non-retryable failure that names it', async () => {
    const publish = createActivities({ publisher: await publisherOn(kafka, 2048) }).publishLifecycleEvents;
    const id = unique('activity-too-big');
    const events = registrationEvents(id);
    expect(JSON.stringify(events[0]).length).toBeGreaterThan(2048);

    const failure = await publish({ partnershipId: id, events }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'event_too_large',
      nonRetryable: true,
      message: expect.stringContaining(`event ${id}/1 (partnerflow.partnership.partnership-registered)`),
    });
  });

  test('the activity refuses, non-retryably, an event that fails its schema or belongs to another partnership', async () => {
    const publish = createActivities({ publisher: await publisherOn(kafka) }).publishLifecycleEvents;
    const id = unique('activity-invalid');
    const [registered] = registrationEvents(id) as [Event];

    await expect(
      publish({ partnershipId: id, events: [{ ...registered, data: { ...registered.data, name: 'x'.repeat(100_000) } } as Event] }),
    ).rejects.toMatchObject({
      type: 'invalid_event',
      nonRetryable: true,
      message: expect.stringContaining('PartnershipRegistered #1'),
    });
    await expect(publish({ partnershipId: 'someone-else', events: [registered] })).rejects.toMatchObject({ type: 'invalid_event', nonRetryable: true });
  });

  test('every message decodes with the cloudevents SDK Kafka binding (structured mode, ce_ headers) to the event published', async () => {
    const publish = createActivities({ publisher: await publisherOn(kafka) }).publishLifecycleEvents;
    const id = unique('sdk');
    const events = registrationEvents(id);
    await publish({ partnershipId: id, events });

    const messages = await readKey(kafka, topic, id, (ms) => ms.length >= events.length);
    expect(messages).toHaveLength(events.length);
    for (const [i, m] of messages.entries()) {
      const headers = sdkMessage(m).headers;
      expect(Object.keys(headers).filter((h) => h.startsWith('ce-'))).toEqual([]);
      expect(headers).toMatchObject({ 'content-type': 'application/cloudevents+json', ce_id: `${id}/${i + 1}` });

      const decoded = CloudEventsKafka.toEvent(sdkMessage(m));
      if (!(decoded instanceof SdkCloudEvent)) throw new Error('expected one CloudEvent per message (structured mode), not a batch');
      expect(decoded.validate()).toBe(true);
      expect(decoded).toMatchObject({
        specversion: '1.0',
        id: `${id}/${i + 1}`,
        source: 'urn:partnerflow',
        subject: id,
        sequence: i + 1,
        datacontenttype: 'application/json',
      });
      expect(decoded.type).toBe(headers.ce_type);
      expect(decoded.data).toEqual(JSON.parse(JSON.stringify(events[i])));
    }
  });
});

describe('a lifecycle whose event can never be published', () => {
  let cfg: Config;
  let kafka: Kafka;
  let topic: string;
  let removeTopic: () => Promise<void>;
  let publisher: EventPublisher;
  let running: RunningWorker;
  let done: Promise<void>;
  let connection: Connection;
  let client: Client;
  const taskQueue = unique('test-unpublishable');

  beforeAll(async () => {
    quietTemporalLogs();
    cfg = testConfig();
    kafka = createKafka(cfg);
    ({ topic, remove: removeTopic } = await createTestTopic(kafka, 'test.unpublishable', 1));
    // A budget smaller than the registration event, standing in for any event too large for Kafka.
    publisher = await createKafkaPublisher(kafka, topic, { requestBudgetBytes: 2048 });
    running = await createWorker(cfg, { publisher, worker: { taskQueue, workflowBundle: await workflowBundle() } });
    done = running.worker.run();
    connection = await connectTemporalClient(cfg);
    client = new Client({ connection, namespace: cfg.temporal.namespace });
  });

  afterAll(async () => {
    running?.worker.shutdown();
    await done;
    await running?.close();
    await publisher?.close();
    await connection?.close();
    await removeTopic?.();
  });

  test('fails visibly in Temporal after one attempt, naming the event, instead of retrying forever', async () => {
    const id = unique('unpublishable');
    const handle = await new LifecycleClient(client, taskQueue).register(registrationData(id, compressedPolicy), people.ops);

    const failure = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activity = (failure as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect((activity as ActivityFailure).cause).toMatchObject({ type: 'event_too_large', message: expect.stringContaining(`event ${id}/1`) });
    const attempts = ((await handle.fetchHistory()).events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes?.attempt);
    expect(attempts).toEqual([1]);
  });
});
