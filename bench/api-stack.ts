/**
 * What `npm run bench:api` runs against, all of it its own and removed at the end: a topic and dead-letter topic, a
 * Temporal worker on its own task queue publishing to that topic, a projector folding it into Redis under its own key
 * prefix, bearer tokens under that prefix, and the API and the hello-world baseline in child processes.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createKafkaPublisher } from '../activities/publisher';
import { partnershipWorkflowId } from '../domain/names';
import { connectTemporalClient, createKafka, createRedis } from '../platform/clients';
import type { Config } from '../platform/config';
import { createWorker, WORKFLOWS_PATH } from '../infra/temporal-worker';
import { READ_MODELS } from '../projections/read-models';
import { startProjector, type Projector } from '../projections/runner';
import { escapeGlob, unlinkMatching } from '../projections/runner/store';
import { TokenStore } from '../services/auth/tokens';
import { Http, PEOPLE, type Persona } from './api-client';
import { forkServer, type ChildServer } from './api-child';
import { err, pool } from './api-util';

/** Undo steps, run last-in first-out; a failing one is reported and the rest still run. */
export class Cleanups {
  private readonly steps: Array<[string, () => Promise<unknown>]> = [];

  push(what: string, fn: () => Promise<unknown>): void {
    this.steps.push([what, fn]);
  }

  async run(): Promise<void> {
    for (const [what, fn] of this.steps.reverse()) {
      await fn().catch((e: unknown) => err(`  cleanup of ${what} failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}

/** The names of one run's own topic, key prefix, task queue and consumer group. */
export function runNames() {
  const run = `bapi-${Date.now().toString(36)}-${randomUUID().slice(0, 4)}`;
  const prefix = `pf-bench-${run}`;
  return { run, topic: `bench.api.${run}`, dlq: `bench.api.${run}.dlq`, prefix, taskQueue: `bench-api-${run}`, groupId: `${prefix}-projector` };
}
export type RunNames = ReturnType<typeof runNames>;

export interface BenchStack {
  http: Http;
  helloUrl: string;
  redis: Redis;
  projector: Projector;
  /** Every partnership the bench registers (their workflows are terminated at the end). */
  ids: string[];
}

/** Topics, worker and projector: commands in, read models out. */
async function startPipeline(cfg: Config, kafka: Kafka, redis: Redis, names: RunNames, cleanups: Cleanups): Promise<Projector> {
  const { topic, dlq, prefix, taskQueue, groupId } = names;
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push('Kafka admin', () => admin.disconnect());
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: cfg.kafka.partitions, replicationFactor: 1 },
      { topic: dlq, numPartitions: 1, replicationFactor: 1 },
    ],
  });
  cleanups.push('topics', () => admin.deleteTopics({ topics: [topic, dlq] }));
  cleanups.push('Redis keys', () => unlinkMatching(redis, `${escapeGlob(prefix)}:*`));

  err('  bundling workflows and starting the worker…');
  const publisher = await createKafkaPublisher(kafka, topic);
  cleanups.push('publisher', () => publisher.close());
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const worker = await createWorker(cfg, { publisher, worker: { taskQueue, workflowBundle } });
  const workerDone = worker.worker.run();
  cleanups.push('worker', async () => {
    worker.worker.shutdown();
    await workerDone;
    await worker.close();
  });

  const projector = await startProjector({
    kafka,
    redis,
    projections: READ_MODELS,
    topic,
    deadLetterTopic: dlq,
    groupId,
    keyPrefix: prefix,
    log: (line) => err(`  projector: ${line}`),
  });
  cleanups.push('projector', async () => {
    await projector.stop();
    await admin.deleteGroups([groupId]);
  });
  return projector;
}

/** Terminates the workflows of `ids` at clean-up, before the worker stops (cleanups run in reverse). */
async function terminateAtEnd(cfg: Config, ids: readonly string[], cleanups: Cleanups): Promise<void> {
  const connection: Connection = await connectTemporalClient(cfg);
  cleanups.push('Temporal client', () => connection.close());
  const client = new Client({ connection, namespace: cfg.temporal.namespace });
  cleanups.push('workflows', () =>
    pool(ids, 32, 'terminating workflows', async (id) => {
      await client.workflow
        .getHandle(partnershipWorkflowId(id))
        .terminate('bench:api finished')
        .catch(() => undefined); // rejected ones have already closed
    }),
  );
}

/** A token per persona, and the API and the hello-world in child processes. */
async function startServers(redis: Redis, names: RunNames, cleanups: Cleanups): Promise<{ http: Http; helloUrl: string }> {
  const tokenStore = new TokenStore(redis, names.prefix);
  const tokens = {} as Record<Persona, string>;
  for (const [persona, person] of Object.entries(PEOPLE) as Array<[Persona, (typeof PEOPLE)[Persona]]>) {
    tokens[persona] = (await tokenStore.create({ name: person.name, roles: [person.role] })).token;
  }
  err('  starting the API and the hello-world in child processes…');
  const children: ChildServer[] = [];
  cleanups.push('child processes', () => Promise.all(children.map((c) => c.stop())));
  const api = await forkServer(path.join(__dirname, 'api-server.js'), {
    BENCH_API_TASK_QUEUE: names.taskQueue,
    BENCH_API_PREFIX: names.prefix,
    BENCH_API_READ_WAIT_MS: '15000',
  });
  children.push(api);
  const hello = await forkServer(path.join(__dirname, 'api-hello.js'));
  children.push(hello);
  return { http: new Http(api.url, tokens), helloUrl: hello.url };
}

/** Starts everything the bench measures; `cleanups` undoes it. */
export async function startBenchStack(cfg: Config, names: RunNames, cleanups: Cleanups): Promise<BenchStack> {
  err(`bench:api ${names.run}: topic ${names.topic}, Redis prefix ${names.prefix}, task queue ${names.taskQueue}`);
  const kafka = createKafka(cfg);
  const redis = createRedis(cfg);
  cleanups.push('Redis connection', async () => redis.disconnect());
  const projector = await startPipeline(cfg, kafka, redis, names, cleanups);
  const ids: string[] = [];
  await terminateAtEnd(cfg, ids, cleanups);
  const { http, helloUrl } = await startServers(redis, names, cleanups);
  return { http, helloUrl, redis, projector, ids };
}
