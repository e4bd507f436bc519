import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Admin, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { toKafkaMessage, type CloudEvent } from '../../../domain/cloudevent';
import { ReadModelStore, unlinkMatching, escapeGlob } from '../../../projections/runner/store';
import { TIMELINE } from '../../../projections/timeline/read-model';
import { createKafka, createRedis } from '../../../platform/clients';
import { tsBootstrap } from '../../support/ts-threads';
import { eventually, testConfig, unique } from '../../support/stack';

/** A topic (and its dead-letter topic) only this test uses, and a Redis key root only it writes. */
export interface Sandbox {
  topic: string;
  deadLetterTopic: string;
  prefix: string;
  group: (name: string) => string;
}

/** Names for one test: unique topics, consumer groups and key prefix. */
export function sandbox(name: string): Sandbox {
  const id = unique(name);
  return {
    topic: `test.projections.${id}`,
    deadLetterTopic: `test.projections.${id}.dlq`,
    prefix: `pf-test-${id}`,
    group: (g: string) => `test-${id}-${g}`,
  };
}

/** Creates the sandbox topics. */
export async function createTopics(admin: Admin, box: Sandbox, partitions: number): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: box.topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: box.deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
    ],
  });
}

/** Deletes the sandbox topics, consumer groups and Redis keys. */
export async function removeSandbox(admin: Admin, redis: Redis, box: Sandbox, groups: string[] = []): Promise<void> {
  await admin.deleteTopics({ topics: [box.topic, box.deadLetterTopic] }).catch(() => undefined);
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  await dropKeys(redis, box.prefix);
}

/** Deletes every Redis key under a prefix. */
export async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  await unlinkMatching(redis, `${escapeGlob(prefix)}:*`);
}

/** Publishes CloudEvents keyed by subject, as the lifecycle publisher does. */
export async function publishEvents(producer: Producer, topic: string, events: readonly CloudEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(i, i + 500).map(toKafkaMessage),
    });
  }
}

/** Reads `count` messages of a topic from the beginning. */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const groupId = unique('test-reader');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await eventually(async () => (seen.length >= count ? true : undefined), timeoutMs, `${count} messages on ${topic} (have ${seen.length})`);
    return seen;
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** A header as text. */
export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

/** Sum of the high watermarks of a topic. */
export async function topicEnd(admin: Admin, topic: string): Promise<Map<number, string>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
}

/**
 * Waits until the timeline read model under `prefix` has read every partition of `topic` as far as it reaches now (the
 * timeline folds every lifecycle event, so the projector has then written everything published so far).
 */
export async function untilCaughtUp(redis: Redis, admin: Admin, topic: string, prefix: string, what = 'the read model at the end of the log'): Promise<void> {
  const store = new ReadModelStore(redis, prefix);
  const end = await topicEnd(admin, topic);
  await eventually(
    async () => {
      const current = await store.current(TIMELINE);
      if (current === null) return undefined;
      const offsets = await store.offsets(TIMELINE, current);
      return [...end].every(([p, high]) => high === '0' || offsets[`${topic}:${p}`] === high) ? true : undefined;
    },
    90_000,
    what,
  );
}

// Runs a .ts entry in a child process without building: @swc/core (what jest uses) compiles each required file, and
// the child's own worker threads (a rebuild's) start from sources too (ts-threads, required first).
const SWC_HOOK = tsBootstrap(`(require(${JSON.stringify(path.resolve(__dirname, '../../support/ts-threads.ts'))}), process.env.PF_TS_ENTRY)`);

/** A child process running a TypeScript entry, with its output collected. */
export interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a line of output matches. */
  waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
}

/** Spawns `node` on a .ts file (relative to the repository root) with extra environment. */
export function spawnTs(entry: string, env: Record<string, string>, args: string[] = []): Child {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['-e', SWC_HOOK, '--', ...args], {
    cwd: root,
    env: { ...process.env, ...env, PF_TS_ENTRY: path.join(root, entry) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    output: () => out,
    exited,
    waitForLine: (pattern, timeoutMs = 60_000) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms; output so far:\n${out.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void exited.then(() => {
          check();
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`the process exited before printing ${String(pattern)}; output:\n${out.slice(-3000)}`));
          }
        });
      }),
  };
}

/** The clients every projection integration test uses: Kafka, Redis, a connected admin and an idempotent producer. */
export async function connectClients(): Promise<{ kafka: Kafka; redis: Redis; admin: Admin; producer: Producer }> {
  const cfg = testConfig();
  const kafka = createKafka(cfg);
  const redis = createRedis(cfg);
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return { kafka, redis, admin, producer };
}

/** Closes what connectClients opened (any of them may be missing if set-up failed). */
export async function disconnectClients(c: { redis?: Redis; admin?: Admin; producer?: Producer }): Promise<void> {
  await c.producer?.disconnect();
  await c.admin?.disconnect();
  c.redis?.disconnect();
}
