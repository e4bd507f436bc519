import { READ_MODEL_REGISTRY } from '../projections/read-models';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, createRedis } from '../platform/clients';
import { loadConfig } from '../platform/config';
import { runMain } from '../platform/entry';
import { localPid, up } from '../infra/stack';
import { startProjectWorker } from '../platform/threads';
import { READ_MODELS } from '../projections/read-models';
import { progressReporter } from '../projections/progress';
import { catalogOf, createDecoder, rebuild, ReadModelStore, startProjector } from '../projections/runner';
import { escapeGlob, unlinkMatching } from '../projections/runner/store';
import { TIMELINE } from '../projections/timeline/read-model';
import type { FromMember, MemberData } from './projector-member';
import { syntheticEvent } from './sample-events';
import { FOLDING_YOUNG_GENERATION_MB } from '../projections/runner/young-generation';
import { cpuPerEvent, sampleCpu, type CpuPerEvent } from './cpu-meter';
import { redactUrl } from '../platform/redact';

/*
 * npm run bench:projections [-- --events 1000000 --subjects 10000 --partitions 6 --threads <rebuild threads> --keep]
 * (or BENCH_EVENTS / BENCH_SUBJECTS / BENCH_PARTITIONS). One synthetic topic of ~500-byte lifecycle CloudEvents;
 * prints the raw kafkajs consume rate, consume + JSON.parse, consume + decode, the projector's rate over the same topic and
 * its ratio, the CPU each of those costs per event (Node, Redis, a local broker) and so the cores the ratio's goal would
 * take, two projectors sharing one consumer group, and a rebuild of the whole topic into an empty namespace. Figures
 * only: nothing is asserted.
 */

async function produce(kafka: Kafka, topic: string, events: number, subjects: number): Promise<{ ms: number; bytes: number }> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  const perSubject = Math.ceil(events / subjects);
  // Registrations carry their pinned policy (~5 KB each): a chunk of them must stay under the broker's 1 MB request limit.
  const chunkFor = (seq: number) => (seq === 1 ? 100 : 1500);
  let bytes = 0;
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  const progress = progressReporter(process.stderr);
  try {
    // Round-robin over subjects keeps every subject's sequence gapless and in order within its partition.
    for (let seq = 1; seq <= perSubject && sent < events; seq += 1) {
      const chunk = chunkFor(seq);
      for (let s = 0; s < subjects && sent < events; s += chunk) {
        const messages = [];
        for (let i = s; i < Math.min(s + chunk, subjects) && sent < events; i += 1, sent += 1) {
          const value = syntheticEvent(i, seq);
          bytes += value.length;
          messages.push({ key: `bench-p-${String(i).padStart(6, '0')}`, value });
        }
        const send = producer.send({ topic, acks: 1, messages });
        inFlight.add(send);
        void send.finally(() => inFlight.delete(send));
        if (inFlight.size >= 4) await Promise.race(inFlight);
        const ms = Date.now() - started;
        progress.update({ done: sent, total: events, lag: events - sent, rate: (sent / Math.max(1, ms)) * 1000, elapsedMs: ms, phase: 'replaying' });
      }
      // A barrier between rounds: a subject's next event never overtakes this one.
      await Promise.all(inFlight);
    }
    await Promise.all(inFlight);
    progress.finish();
  } finally {
    await producer.disconnect();
  }
  return { ms: Date.now() - started, bytes };
}

/** Consumes the whole topic with a batch handler that does `each` per message (nothing by default); times first batch to last. */
async function rawConsume(kafka: Kafka, admin: Admin, topic: string, events: number, groupId: string, each?: (value: Buffer | null) => void): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 32 * 1024 * 1024, maxWaitTimeInMs: 200 });
  let count = 0;
  let first = 0;
  let firstCount = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const last = batch.messages[batch.messages.length - 1];
      if (last === undefined) return;
      if (first === 0) {
        first = Date.now();
        firstCount = batch.messages.length;
      }
      count += batch.messages.length;
      if (each) for (const m of batch.messages) each(m.value);
      resolveOffset(last.offset);
      await heartbeat();
      if (count >= events) done();
    },
  });
  await finished;
  const ms = Date.now() - first;
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  return ((count - firstCount) / Math.max(1, ms)) * 1000;
}

/**
 * Runs the projector over the whole topic; times its first flush to the last event, counting only what came after that
 * flush (the steady rate, as the raw consumer's first batch to last).
 */
async function projectorConsume(
  kafka: Kafka,
  redis: Redis,
  admin: Admin,
  topic: string,
  dlq: string,
  events: number,
  groupId: string,
  prefix: string,
): Promise<number> {
  const projector = await startProjector({
    kafka,
    redis,
    projections: READ_MODELS,
    topic,
    deadLetterTopic: dlq,
    groupId,
    keyPrefix: prefix,
    log: () => undefined,
  });
  let first = 0;
  let firstCount = 0;
  for (;;) {
    const m = projector.metrics();
    if (first === 0 && m.consumed > 0) {
      first = Date.now();
      firstCount = m.consumed;
    }
    if (m.consumed >= events) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = Date.now() - first;
  const m = projector.metrics();
  await projector.stop();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  if (m.deadLetteredTotal > 0) throw new Error(`the projector dead-lettered ${m.deadLetteredTotal} synthetic events: the bench data is wrong`);
  return ((m.consumed - firstCount) / Math.max(1, ms)) * 1000;
}

/**
 * Runs `members` projectors in one consumer group, each in a thread of its own (as separate projector processes would
 * be); times the first flush any of them reports to the read models holding the whole topic, counting what came after
 * that flush (a member joining late makes the group rebalance, and what that re-reads counts against the rate).
 */
async function projectorGroup(redis: Redis, admin: Admin, data: MemberData, members: number): Promise<number> {
  const end = await admin.fetchTopicOffsets(data.topic);
  const store = new ReadModelStore(redis, data.keyPrefix);
  const consumed = new Array<number>(members).fill(0);
  let failure: string | undefined;
  const threads = consumed.map((_, i) => {
    const worker = startProjectWorker(path.join(__dirname, 'projector-member'), {
      workerData: { ...data },
      resourceLimits: { maxYoungGenerationSizeMb: FOLDING_YOUNG_GENERATION_MB },
    });
    worker.on('message', (m: FromMember) => {
      if (m.t === 'consumed') consumed[i] = m.consumed;
      else if (m.t === 'failed') failure = m.message;
    });
    worker.on('error', (e) => (failure = e.message));
    return worker;
  });
  try {
    let first = 0;
    let firstCount = 0;
    for (;;) {
      if (failure !== undefined) throw new Error(`a projector member failed: ${failure}`);
      if (first === 0 && consumed.some((n) => n > 0)) {
        first = Date.now();
        firstCount = consumed.reduce((a, b) => a + b, 0);
      }
      const current = await store.current(TIMELINE);
      const offsets = current === null ? {} : await store.offsets(TIMELINE, current);
      if (first !== 0 && end.every((p) => offsets[`${data.topic}:${p.partition}`] === p.high)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const total = end.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    return ((total - firstCount) / Math.max(1, Date.now() - first)) * 1000;
  } finally {
    await Promise.all(
      threads.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.on('message', (m: FromMember) => m.t === 'stopped' && void w.terminate());
            w.postMessage('stop');
          }),
      ),
    );
    await admin.deleteGroups([data.groupId]).catch(() => undefined);
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

runMain(async () => {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      subjects: { type: 'string' },
      partitions: { type: 'string' },
      keep: { type: 'boolean' },
      threads: { type: 'string' },
    },
  });
  const cfg = loadConfig();
  // Like npm test: start whatever part of the local stack is not running.
  await up(cfg);
  const events = Number(values.events ?? process.env.BENCH_EVENTS ?? 1_000_000);
  const subjects = Number(values.subjects ?? process.env.BENCH_SUBJECTS ?? 10_000);
  const partitions = Number(values.partitions ?? process.env.BENCH_PARTITIONS ?? cfg.kafka.partitions);
  if (![events, subjects, partitions].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('--events, --subjects and --partitions take positive integers');

  const id = `${Date.now().toString(36)}`;
  const topic = `bench.projections.${id}`;
  const dlq = `${topic}.dlq`;
  const prefix = `pf-bench-${id}`;
  const kafka = createKafka(cfg);
  const redis = createRedis(cfg);
  const admin = kafka.admin();
  await admin.connect();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: partitions, replicationFactor: 1 },
        { topic: dlq, numPartitions: 1, replicationFactor: 1 },
      ],
    });
    out(`bench: ${fmt(events)} events over ${fmt(subjects)} partnerships on ${topic} (${partitions} partitions); Redis ${redactUrl(cfg.redis.url)}`);

    const produced = await produce(kafka, topic, events, subjects);
    out(`  produced             ${fmt((events / produced.ms) * 1000)} events/s, ${Math.round(produced.bytes / events)} bytes/event average`);

    // CPU per event, over every process the run keeps busy: what a rate costs in cores, whatever else shares them.
    const kafkaPid = localPid(cfg, 'kafka');
    const metered = async <T>(run: () => Promise<T>): Promise<{ result: T; cpu: CpuPerEvent }> => {
      const before = await sampleCpu(redis, kafkaPid);
      const result = await run();
      return { result, cpu: cpuPerEvent(before, await sampleCpu(redis, kafkaPid), events) };
    };
    const cpuText = (c: CpuPerEvent) =>
      `${c.total.toFixed(1)} µs CPU/event: node ${c.node.toFixed(1)}, redis ${c.redis.toFixed(1)}, kafka ${c.kafka === undefined ? 'not local' : c.kafka.toFixed(1)}`;

    // The baseline is the faster of two passes: the first may also pay for compiling kafkajs's decoding paths (in a
    // fresh process it has run at 0.56 × the second), which every later consumer in this process finds compiled.
    const rawPasses = [
      await metered(() => rawConsume(kafka, admin, topic, events, `bench-raw-${id}`)),
      await metered(() => rawConsume(kafka, admin, topic, events, `bench-raw2-${id}`)),
    ];
    const raw = rawPasses.reduce((a, b) => (b.result > a.result ? b : a));
    out(
      `  raw kafkajs consume  ${fmt(raw.result)} events/s (no-op eachBatch, faster of 2 passes: ${rawPasses.map((p) => fmt(p.result)).join(', ')}; ${cpuText(raw.cpu)})`,
    );

    // The floor of any projector that reads its events at all: JSON.parse and nothing else (no validation, fold or write).
    const parsed = await metered(() =>
      rawConsume(kafka, admin, topic, events, `bench-parse-${id}`, (value) => {
        if (value !== null) JSON.parse(value.toString('utf8'));
      }),
    );
    out(
      `  consume + JSON.parse ${fmt(parsed.result)} events/s, ${(parsed.result / raw.result).toFixed(2)} × raw (no validation, fold or write; ${cpuText(parsed.cpu)})`,
    );

    // What any projector that validates what it reads pays before it writes anything: JSON, envelope, domain schema.
    const decode = createDecoder(catalogOf(READ_MODELS));
    const decoded = await metered(() =>
      rawConsume(kafka, admin, topic, events, `bench-decode-${id}`, (value) => {
        if (!decode(value).ok) throw new Error('the bench data does not decode');
      }),
    );
    out(
      `  consume + decode     ${fmt(decoded.result)} events/s, ${(decoded.result / raw.result).toFixed(2)} × raw (JSON.parse + zod validation, no writes; ${cpuText(decoded.cpu)}): the ceiling of one validating thread`,
    );

    const projectedRun = await metered(() => projectorConsume(kafka, redis, admin, topic, dlq, events, `bench-projector-${id}`, `${prefix}-live`));
    const projected = projectedRun.result;
    out(
      `  projector            ${fmt(projected)} events/s (${READ_MODELS.map((m) => m.name).join(' + ')}), ${(projected / raw.result).toFixed(2)} × raw (goal ≥ 0.7; ${cpuText(projectedRun.cpu)})`,
    );
    // The goal's rate at the projector's measured cost per event, in cores kept busy (Node + Redis + a local broker).
    const goal = 0.7 * raw.result;
    out(
      `  goal in cores        0.7 × raw = ${fmt(goal)} events/s × ${projectedRun.cpu.total.toFixed(1)} µs = ${((goal * projectedRun.cpu.total) / 1e6).toFixed(1)} cores busy; this machine has ${os.availableParallelism()}`,
    );
    await unlinkMatching(redis, `${escapeGlob(`${prefix}-live`)}:*`);

    // Scaling out: projector processes join the same consumer group and share the partitions.
    const members = 2;
    const grouped = await projectorGroup(redis, admin, { topic, deadLetterTopic: dlq, groupId: `bench-group-${id}`, keyPrefix: `${prefix}-group` }, members);
    out(
      `  projector × ${members}        ${fmt(grouped)} events/s (${members} members of one consumer group, a thread each), ${(grouped / raw.result).toFixed(2)} × raw, ${(grouped / projected).toFixed(2)} × one projector`,
    );
    await unlinkMatching(redis, `${escapeGlob(`${prefix}-group`)}:*`);

    const reporter = progressReporter(process.stderr);
    let threads = '';
    const result = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: READ_MODELS,
      topic,
      keyPrefix: `${prefix}-rebuild`,
      workers: values.threads === undefined ? undefined : Number(values.threads),
      config: cfg,
      onProgress: (p) => reporter.update(p),
      log: (line) => (threads = /replaying with (\d+) thread/.exec(line)?.[1] ?? threads),
    });
    reporter.finish();
    out(
      `  rebuild              ${fmt((result.events / result.ms) * 1000)} events/s (${fmt(result.events)} events in ${(result.ms / 1000).toFixed(1)} s into an empty namespace, ` +
        `${threads} replaying threads on ${os.availableParallelism()} cores; goal ≥ 50,000)`,
    );
    const used = await redis.info('memory');
    out(`  redis used_memory    ${/used_memory_human:(\S+)/.exec(used)?.[1] ?? '?'} after the rebuild`);
  } finally {
    if (!values.keep) {
      await unlinkMatching(redis, `${escapeGlob(prefix)}*`);
      await admin.deleteTopics({ topics: [topic, dlq] }).catch(() => undefined);
    }
    await admin.disconnect();
    redis.disconnect();
  }
});
