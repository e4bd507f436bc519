import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { cloudEventSchema } from '../../domain/cloudevent';
import { stackProbeWorkflowId, TOPICS } from '../../domain/names';
import { createKafkaPublisher, type EventPublisher } from '../../activities/publisher';
import { connectTemporalClient, createKafka, createRedis } from '../../platform/clients';
import type { Config } from '../../platform/config';
import { toolPaths, VERSIONS } from '../../infra/provision';
import { temporalCliEnv } from '../../infra/temporal-cli';
import { createWorker, type RunningWorker } from '../../infra/temporal-worker';
import { ensureTopics } from '../../infra/topics';
import { probeProjection, readProbeEvent } from '../../projections/probe/read-model';
import { ReadModelReader, startProjector, type Projector } from '../../projections/runner';
import type { stackProbeWorkflow } from '../../workflows/probe';
import { createTestTopic, eventually, quietTemporalLogs, testConfig, unique, workflowBundle } from '../support/stack';

const execFileAsync = promisify(execFile);

describe('the real local stack (Temporal dev server, Kafka, Redis)', () => {
  let cfg: Config;
  let kafka: Kafka;
  let redis: Redis;
  let connection: Connection;
  let client: Client;
  let publisher: EventPublisher;
  let probePublisher: EventPublisher;
  let running: RunningWorker;
  let workerDone: Promise<void>;
  let projector: Projector;
  let lifecycleTopic: string;
  let probeTopic: string;
  const removeTopics: Array<() => Promise<void>> = [];
  const taskQueue = unique('test-stack-smoke');
  const probeId = unique('probe');

  beforeAll(async () => {
    quietTemporalLogs();
    cfg = testConfig();
    kafka = createKafka(cfg);
    const lifecycle = await createTestTopic(kafka, 'test.stack-smoke');
    const probes = await createTestTopic(kafka, 'test.stack-smoke-probe', 1);
    [lifecycleTopic, probeTopic] = [lifecycle.topic, probes.topic];
    removeTopics.push(lifecycle.remove, probes.remove);
    redis = createRedis(cfg);
    connection = await connectTemporalClient(cfg);
    client = new Client({ connection, namespace: cfg.temporal.namespace });
    publisher = await createKafkaPublisher(kafka, lifecycleTopic);
    probePublisher = await createKafkaPublisher(kafka, probeTopic);
    running = await createWorker(cfg, { publisher, probePublisher, worker: { taskQueue, workflowBundle: await workflowBundle() } });
    workerDone = running.worker.run();
    projector = await startProjector({
      kafka,
      redis,
      projections: [probeProjection],
      topic: probeTopic,
      groupId: unique('test-projector'),
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await projector?.stop();
    running?.worker.shutdown();
    await workerDone;
    await running?.close();
    await publisher?.close();
    await probePublisher?.close();
    await connection?.close();
    redis?.disconnect();
    for (const remove of removeTopics) await remove();
  });

  test('a workflow runs an activity that publishes to Kafka, and the projector writes the event to Redis', async () => {
    const { eventId } = await client.workflow.execute<typeof stackProbeWorkflow>('stackProbeWorkflow', {
      taskQueue,
      workflowId: stackProbeWorkflowId(probeId),
      args: [{ probeId }],
    });

    const reader = new ReadModelReader(redis);
    const stored = await eventually(async () => (await readProbeEvent(reader, eventId)) ?? undefined, 30_000, `event ${eventId} in Redis`);
    const event = cloudEventSchema.parse(stored);
    expect(event).toMatchObject({
      id: eventId,
      type: 'partnerflow.stack.probed',
      subject: `probe-${probeId}`,
      sequence: 1,
      data: { probeId },
    });
    expect(projector.metrics().models.probe?.applied).toBeGreaterThanOrEqual(1);
  });

  test('the probe event goes to the probe topic, and the lifecycle topic carries none', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = async (t: string) => (await admin.fetchTopicOffsets(t)).reduce((sum, p) => sum + Number(p.high), 0);
      expect(await ends(probeTopic)).toBeGreaterThanOrEqual(1);
      expect(await ends(lifecycleTopic)).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });

  test('the stack creates the probe topic beside the lifecycle log', async () => {
    await ensureTopics(kafka, cfg);
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([TOPICS.lifecycleEvents, TOPICS.probe]));
    } finally {
      await admin.disconnect();
    }
  });

  test('the built temporal CLI, as `npm run temporal` runs it (no flags), lists the workflow the test started', async () => {
    const workflowId = stackProbeWorkflowId(probeId);
    const env = temporalCliEnv(cfg);
    const listed = await eventually(
      async () => {
        const { stdout } = await execFileAsync(
          toolPaths(cfg).temporalCli,
          ['workflow', 'list', '--query', `WorkflowId = '${workflowId}'`, '--output', 'json'],
          { env },
        );
        const rows = JSON.parse(stdout.trim() === '' ? '[]' : stdout) as Array<{ execution?: { workflowId?: string }; status?: string }>;
        return rows.find((r) => r.execution?.workflowId === workflowId);
      },
      30_000,
      `${workflowId} in temporal workflow list`,
    );
    expect(listed.status).toMatch(/COMPLETED/);
  });

  test('the built temporal CLI reports the version it was built from', async () => {
    const { stdout } = await execFileAsync(toolPaths(cfg).temporalCli, ['--version']);
    expect(stdout).toContain(`temporal version ${VERSIONS.temporalCli.replace(/^v/, '')} `);
  });
});
