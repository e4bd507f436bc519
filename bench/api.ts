/**
 * npm run bench:api [-- --partnerships 200 --duration 10 --connections 50 --rate 50 --warmup 2 --seed-concurrency 16
 *                      --only throughput|lag]
 *
 * The operations API on the real local stack (started like the other benches when not running): a Temporal worker on
 * the bench's own task queue publishing to its own Kafka topic, a projector folding that topic into Redis under its own
 * key prefix, and the API (buildApi) in a child process on a free port, with bearer tokens minted under that prefix.
 * N partnerships are seeded over HTTP, spread over screening, rejection, the three due-diligence phases, launch and
 * optimization (with findings, risks, KPI values and issues), so the reports have something to report.
 *
 * 1. Throughput: autocannon (C connections, D seconds per target after a discarded warm-up) against a Fastify
 *    hello-world and against each report endpoint and GET /partnerships/{id}; req/s, p50/p99 latency, non-2xx, and
 *    the ratio to the hello-world measured in the same run (before and after the API targets; their mean is the
 *    baseline). Both servers run in child processes the same way; autocannon runs in the bench process.
 * 2. Read-your-write lag: commands (KPI values and risk updates on optimization-stage partnerships) sent open-loop at
 *    a steady R/s for D seconds; for each, the time from its HTTP response to the summary read model showing its last
 *    event, measured on the user-facing path: GET /partnerships/{id}?after=<event id>, which waits server-side
 *    (polling Redis every 15 ms) until the read model has applied it.
 *
 * Figures only; nothing is asserted. Progress goes to stderr, results to stdout, the last line is a JSON summary.
 * Everything the bench creates (topic, consumer group, Redis keys, workflows) is removed at the end.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, type Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import autocannon from 'autocannon';
import { createKafkaPublisher } from '../activities/publisher';
import { partnershipWorkflowId } from '../domain/names';
import { defaultPolicy } from '../domain/policy';
import type { Role } from '../domain/roles';
import { connectTemporalClient, createKafka, createRedis } from '../infra/clients';
import { loadConfig } from '../infra/config';
import { runMain } from '../infra/entry';
import { up } from '../infra/stack';
import { createWorker, WORKFLOWS_PATH } from '../infra/worker';
import { READ_MODELS } from '../projections';
import { ReadModelReader, startProjector } from '../projections/runner';
import { escapeGlob, unlinkMatching } from '../projections/runner/store';
import { SUMMARY } from '../projections/summary';
import { TokenStore } from '../services/auth/tokens';
import { forkServer, type ChildServer } from './api-child';

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const err = (line: string) => process.stderr.write(`${line}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);
const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-');
/** autocannon records latency in whole milliseconds. */
const ms1 = (n: number) => (n === 0 ? '<1' : String(n));
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

let interrupted = false;
function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

/** Runs `fn` over `items`, `concurrency` at a time, printing progress every 5 s. */
async function pool<T>(items: readonly T[], concurrency: number, label: string, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const started = Date.now();
  const timer = setInterval(() => err(`  ${label}: ${done}/${items.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`), 5000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) {
          checkInterrupted();
          await fn(items[next++] as T);
          done += 1;
        }
      }),
    );
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The API as a client sees it

type Persona = 'ops' | 'exec' | 'legal' | 'owner' | 'viewer';
const PEOPLE: Record<Persona, { name: string; role: Role }> = {
  ops: { name: 'pat.pmo', role: 'ops' },
  exec: { name: 'erin.sponsor', role: 'exec' },
  legal: { name: 'lee.legal', role: 'legal' },
  owner: { name: 'olga.owner', role: 'owner' },
  viewer: { name: 'vic.viewer', role: 'viewer' },
};
const API = '/api/v1';

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}
interface CommandAnswer {
  partnershipId: string;
  events: Array<{ id: string; type: string; sequence: number }>;
}
interface OpenTask {
  id: string;
  kind: string;
  owner: string;
  legal?: boolean;
}

class Http {
  commands = 0;

  constructor(
    readonly url: string,
    readonly tokens: Record<Persona, string>,
  ) {}

  async call(method: string, route: string, as: Persona, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.tokens[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${API}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  /** A command that must be accepted; returns its last event id. */
  async command(as: Persona, method: string, route: string, body?: unknown): Promise<string> {
    const a = await this.call(method, route, as, body);
    this.commands += 1;
    if (a.status !== 200 && a.status !== 201) throw new Error(`${method} ${route} as ${as}: ${a.status} ${JSON.stringify(a.body)}`);
    return lastEventId(a.body as CommandAnswer);
  }

  async get<T>(route: string, as: Persona = 'viewer'): Promise<T> {
    const a = await this.call('GET', route, as);
    if (a.status !== 200) throw new Error(`GET ${route}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body as T;
  }
}

function lastEventId(answer: CommandAnswer): string {
  const last = answer.events[answer.events.length - 1];
  if (last === undefined) throw new Error(`a command of ${answer.partnershipId} recorded no event`);
  return last.id;
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding

type Target = 'screening' | 'scored' | 'rejected' | 'dd.preliminary' | 'dd.detailed' | 'dd.final' | 'launch' | 'optimization';
/** Out of every 20: 3 unscored, 1 scored, 1 rejected, 2+1+1 in the due-diligence phases, 2 in launch, 9 in optimization. */
const PLAN: readonly Target[] = [
  'screening',
  'screening',
  'screening',
  'scored',
  'rejected',
  'dd.preliminary',
  'dd.preliminary',
  'dd.detailed',
  'dd.final',
  'launch',
  'launch',
  ...Array.from({ length: 9 }, () => 'optimization' as const),
];
const KINDS = ['alliance', 'technology', 'business_development'] as const;
const STRUCTURES = ['contractual', 'equity', 'hybrid'] as const;
const REGIONS = ['EMEA', 'AMER', 'APAC'] as const;
const OWNERS = [PEOPLE.owner.name, 'omar.owner', 'oona.owner'] as const;
const CATEGORIES = ['strategic', 'operational', 'relationship', 'financial', 'technical', 'regulatory'] as const;
const DD_GATES = [
  ['dd.preliminary', 'ops'],
  ['dd.detailed', 'ops'],
  ['dd.final', 'exec'],
] as const;

interface Seeded {
  id: string;
  target: Target;
  /** The id of the last event a command of the seed recorded, for `?after=`. */
  last: string;
}

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

async function completeChecklist(http: Http, id: string, last: string): Promise<string> {
  const state = await http.get<{ openTasks: OpenTask[] }>(`/partnerships/${id}/state`);
  for (const task of state.openTasks.filter((t) => t.kind === 'checklist')) {
    const as: Persona = task.legal === true ? 'legal' : task.owner === PEOPLE.owner.name ? 'owner' : 'ops';
    last = await http.command(as, 'POST', `/partnerships/${id}/tasks/${encodeURIComponent(task.id)}/complete`, { note: 'done' });
  }
  return last;
}

async function seedOne(http: Http, id: string, i: number): Promise<Seeded> {
  const target = pick(PLAN, i);
  const p = `/partnerships/${id}`;
  let last = await http.command('ops', 'POST', '/partnerships', {
    partnershipId: id,
    name: `Bench partnership ${i}`,
    partner: `Partner ${i} Ltd`,
    kind: pick(KINDS, i),
    structure: pick(STRUCTURES, Math.floor(i / 3)),
    attributes: { region: pick(REGIONS, Math.floor(i / 7)) },
    owner: pick(OWNERS, i),
    pmoLead: PEOPLE.ops.name,
    executiveSponsor: PEOPLE.exec.name,
  });
  const seeded = () => ({ id, target, last });
  if (target === 'screening') return seeded();
  const score = target === 'rejected' ? 2 : 4 + (i % 2);
  last = await http.command('exec', 'POST', `${p}/screening/scores`, { scores: Object.fromEntries(defaultPolicy.screening.criteria.map((c) => [c.id, score])) });
  if (target === 'scored') return seeded();
  if (target === 'rejected') {
    last = await http.command('exec', 'POST', `${p}/gates/screening/decision`, { outcome: 'reject', rationale: 'weak strategic fit' });
    return seeded();
  }
  last = await http.command('exec', 'POST', `${p}/gates/screening/decision`, { outcome: 'advance', rationale: 'strong strategic fit' });
  last = await http.command('ops', 'POST', `${p}/findings`, {
    title: `Finding ${i}`,
    category: pick(CATEGORIES, i),
    likelihood: 1 + (i % 5),
    impact: 1 + ((i * 3) % 5),
  });
  for (const [gate, who] of DD_GATES) {
    if (target === gate) return seeded();
    last = await completeChecklist(http, id, last);
    last = await http.command(who, 'POST', `${p}/gates/${gate}/decision`, { outcome: 'advance', rationale: 'bench' });
  }
  if (target === 'launch') return seeded();
  last = await completeChecklist(http, id, last);
  // Contracts of 190–310 days: their renewal windows (6 months before the end) open 1–18 weeks from now, most of them
  // inside the calendar report's default 90 days.
  const start = new Date();
  const end = new Date(start.getTime() + (190 + ((i * 7) % 120)) * 86_400_000);
  last = await http.command('ops', 'POST', `${p}/gates/launch/decision`, {
    outcome: 'advance',
    rationale: 'all launch items done',
    contract: { start: start.toISOString(), end: end.toISOString() },
    kpis: [
      { id: 'revenue-generated', name: 'Revenue generated', family: 'financial', target: 800_000, unit: 'EUR' },
      { id: 'investment', name: 'Investment', family: 'financial', target: 200_000, unit: 'EUR', direction: 'lower_is_better' },
      { id: 'joint-customers', name: 'Joint customers', family: 'strategic', target: 25 },
    ],
  });
  last = await http.command('owner', 'POST', `${p}/kpis`, { kpiId: 'revenue-generated', value: 300_000 + ((i * 7919) % 900_000) });
  last = await http.command('owner', 'POST', `${p}/kpis`, { kpiId: 'investment', value: 100_000 + ((i * 104_729) % 200_000) });
  last = await http.command('owner', 'POST', `${p}/risks`, {
    title: `Risk ${i}`,
    category: pick(CATEGORIES, i + 2),
    likelihood: 1 + ((i * 2) % 5),
    impact: 1 + (i % 5),
    owner: pick(OWNERS, i),
  });
  if (i % 3 === 0) last = await http.command('owner', 'POST', `${p}/issues`, { title: `Issue ${i}`, severity: pick(['low', 'medium', 'high'] as const, i) });
  return seeded();
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: throughput

interface Throughput {
  name: string;
  path: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
  bytesPerResponse: number;
}

async function cannon(
  name: string,
  url: string,
  route: string,
  opts: { connections: number; duration: number; warmup: number; headers?: Record<string, string>; requests?: autocannon.RequestSpec[] },
  stop: { current?: autocannon.Instance },
): Promise<Throughput> {
  const run = async (duration: number) => {
    checkInterrupted();
    const instance = autocannon({
      url: `${url}${route}`,
      connections: opts.connections,
      duration,
      headers: opts.headers ?? {},
      ...(opts.requests === undefined ? {} : { requests: opts.requests }),
    });
    stop.current = instance;
    try {
      return await instance;
    } finally {
      stop.current = undefined;
    }
  };
  err(`  ${name}: ${opts.warmup > 0 ? `${opts.warmup} s warm-up, then ` : ''}${opts.duration} s`);
  if (opts.warmup > 0) await run(opts.warmup);
  const r = await run(opts.duration);
  checkInterrupted();
  return {
    name,
    path: route,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    requests: r.requests.total,
    bytesPerResponse: r.throughput.total / Math.max(1, r.requests.total),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: read-your-write lag

interface LagResult {
  rate: number;
  duration: number;
  targets: number;
  sent: number;
  achievedRate: number;
  maxSlipMs: number;
  /** Most commands awaiting their answer at once, and how long the last answers took to come after the last send. */
  maxInFlight: number;
  drainMs: number;
  /** Answers per second from the first send to the last answer: what the lifecycle actually sustained. */
  answeredRate: number;
  ok: number;
  errors: number;
  errorStatuses: Record<string, number>;
  notCaughtUp: number;
  readErrors: number;
  /** Commands whose last event the summary read model (read from Redis directly) had applied when the response arrived. */
  visibleAtResponse: number;
  command: { p50: number; p99: number; max: number };
  lag: { count: number; p50: number; p99: number; max: number };
}

/** The last sequence the summary read model applied for a partnership (its `seq` is `<last>` or `<last>~<held>`). */
async function summarySequence(reader: ReadModelReader, partnershipId: string): Promise<number> {
  const { replies } = await reader.read(SUMMARY, [{ command: 'HGET', key: 'seq', args: [partnershipId] }]);
  return typeof replies[0] === 'string' ? Number.parseInt(replies[0], 10) || 0 : 0;
}

async function measureLag(
  http: Http,
  reader: ReadModelReader,
  targets: Array<{ id: string; riskId: string | undefined }>,
  rate: number,
  duration: number,
): Promise<LagResult> {
  const total = Math.max(1, Math.round(rate * duration));
  const interval = 1000 / rate;
  const commandMs: number[] = [];
  const lagMs: number[] = [];
  const errorStatuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let notCaughtUp = 0;
  let readErrors = 0;
  let visibleAtResponse = 0;
  let maxSlip = 0;
  let maxInFlight = 0;
  let lastAnswer = 0;
  const inFlight = new Set<Promise<void>>();

  const one = async (i: number) => {
    const target = targets[i % targets.length] as { id: string; riskId: string | undefined };
    const p = `/partnerships/${target.id}`;
    // Alternately a KPI value and a risk re-rating (a KPI value where the partnership has no risk).
    const useRisk = i % 2 === 1 && target.riskId !== undefined;
    const sent = performance.now();
    let answer: Answer;
    try {
      answer = useRisk
        ? await http.call('PATCH', `${p}/risks/${target.riskId}`, 'ops', { likelihood: 1 + (i % 5), note: `bench ${i}` })
        : await http.call('POST', `${p}/kpis`, 'owner', { kpiId: 'revenue-generated', value: 100_000 + i });
    } catch (e) {
      errors += 1;
      errorStatuses.network = (errorStatuses.network ?? 0) + 1;
      err(`  command ${i} failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const answered = performance.now();
    lastAnswer = Math.max(lastAnswer, answered);
    if (answer.status !== 200) {
      errors += 1;
      errorStatuses[answer.status] = (errorStatuses[answer.status] ?? 0) + 1;
      if (errors <= 5) err(`  command ${i}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return;
    }
    ok += 1;
    commandMs.push(answered - sent);
    const events = (answer.body as CommandAnswer).events;
    const eventId = lastEventId(answer.body as CommandAnswer);
    const sequence = events[events.length - 1]?.sequence ?? 0;
    // Beside the user-facing read, one direct look at Redis: was the event already applied when the response arrived?
    const direct = summarySequence(reader, target.id).then(
      (s) => {
        if (s >= sequence) visibleAtResponse += 1;
      },
      () => undefined,
    );
    try {
      const read = await http.call('GET', `${p}?after=${encodeURIComponent(eventId)}`, 'viewer');
      const seen = performance.now();
      await direct;
      if (read.status !== 200) {
        readErrors += 1;
        return;
      }
      if (read.headers.get('partnerflow-caught-up') !== 'true') {
        notCaughtUp += 1;
        return;
      }
      lagMs.push(seen - answered);
    } catch {
      readErrors += 1;
    }
  };

  const started = performance.now();
  const progress = setInterval(
    () => err(`  lag: ${ok + errors}/${total} answered, ${lagMs.length} visible, ${errors} errors, ${inFlight.size} in flight (${((performance.now() - started) / 1000).toFixed(0)} s)`),
    2000,
  );
  let sendEnd: number | undefined;
  try {
    for (let i = 0; i < total; i += 1) {
      checkInterrupted();
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      maxSlip = Math.max(maxSlip, performance.now() - due);
      const p: Promise<void> = one(i).finally(() => inFlight.delete(p));
      inFlight.add(p);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
    }
    sendEnd = performance.now();
    await Promise.all(inFlight);
  } finally {
    clearInterval(progress);
  }
  const cmd = [...commandMs].sort((a, b) => a - b);
  const lag = [...lagMs].sort((a, b) => a - b);
  // The first command goes out at 0 and the last at (total − 1) × interval: the rate is over that span.
  const span = ((sendEnd ?? started) - started) / 1000;
  return {
    rate,
    duration,
    targets: targets.length,
    sent: total,
    achievedRate: total > 1 && span > 0 ? (total - 1) / span : total,
    maxSlipMs: maxSlip,
    maxInFlight,
    drainMs: Math.max(0, lastAnswer - (sendEnd ?? started)),
    answeredRate: lastAnswer > started ? ((ok + errors) / (lastAnswer - started)) * 1000 : NaN,
    ok,
    errors,
    errorStatuses,
    notCaughtUp,
    readErrors,
    visibleAtResponse,
    command: { p50: pct(cmd, 50), p99: pct(cmd, 99), max: cmd.at(-1) ?? NaN },
    lag: { count: lag.length, p50: pct(lag, 50), p99: pct(lag, 99), max: lag.at(-1) ?? NaN },
  };
}

// ---------------------------------------------------------------------------------------------------------------

function conditions(): { cpus: number; cpuModel: string; loadavg: number[]; node: string; fastify: string } {
  const fastifyPkg = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('fastify')), 'package.json'), 'utf8')) as { version: string };
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    fastify: fastifyPkg.version,
  };
}

function positive(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`--${name} takes a ${allowZero ? 'non-negative' : 'positive'} number (got ${value})`);
  return n;
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      partnerships: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      warmup: { type: 'string' },
      'seed-concurrency': { type: 'string' },
      only: { type: 'string' },
    },
  });
  const partnerships = Math.round(positive('partnerships', values.partnerships, 200));
  const duration = positive('duration', values.duration, 10);
  const connections = Math.round(positive('connections', values.connections, 50));
  const rate = positive('rate', values.rate, 50);
  const warmup = positive('warmup', values.warmup, 2, true);
  const seedConcurrency = Math.round(positive('seed-concurrency', values['seed-concurrency'], 16));
  const only = values.only ?? 'both';
  if (!['both', 'throughput', 'lag'].includes(only)) throw new Error('--only takes throughput or lag');
  if (only !== 'throughput' && partnerships < 20) throw new Error('--partnerships: give at least 20 (the lag part needs optimization-stage partnerships)');

  const cfg = loadConfig();
  // Like the other benches: start whatever part of the local stack is not running (and leave it running).
  await up(cfg);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const before = conditions();

  const run = `bapi-${Date.now().toString(36)}-${randomUUID().slice(0, 4)}`;
  const topic = `bench.api.${run}`;
  const dlq = `${topic}.dlq`;
  const prefix = `pf-bench-${run}`;
  const taskQueue = `bench-api-${run}`;
  const groupId = `${prefix}-projector`;
  const kafka = createKafka(cfg);
  const admin = kafka.admin();
  const redis = createRedis(cfg);
  const cleanups: Array<[string, () => Promise<unknown>]> = [];
  const ids: string[] = [];
  const cannonStop: { current?: autocannon.Instance } = {};
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    err('\ninterrupted: stopping and cleaning up…');
    cannonStop.current?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    err(`bench:api ${run}: topic ${topic}, Redis prefix ${prefix}, task queue ${taskQueue}`);
    await admin.connect();
    cleanups.push(['Kafka admin', () => admin.disconnect()]);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: cfg.kafka.partitions, replicationFactor: 1 },
        { topic: dlq, numPartitions: 1, replicationFactor: 1 },
      ],
    });
    cleanups.push(['topics', () => admin.deleteTopics({ topics: [topic, dlq] })]);
    cleanups.push(['Redis keys', () => unlinkMatching(redis, `${escapeGlob(prefix)}:*`)]);

    err('  bundling workflows and starting the worker…');
    const publisher = await createKafkaPublisher(kafka, topic);
    cleanups.push(['publisher', () => publisher.close()]);
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
    const worker = await createWorker(cfg, { publisher, worker: { taskQueue, workflowBundle } });
    const workerDone = worker.worker.run();
    cleanups.push([
      'worker',
      async () => {
        worker.worker.shutdown();
        await workerDone;
        await worker.close();
      },
    ]);

    const projector = await startProjector({ kafka, redis, projections: READ_MODELS, topic, deadLetterTopic: dlq, groupId, keyPrefix: prefix, log: (line) => err(`  projector: ${line}`) });
    cleanups.push([
      'projector',
      async () => {
        await projector.stop();
        await admin.deleteGroups([groupId]);
      },
    ]);

    const connection: Connection = await connectTemporalClient(cfg);
    cleanups.push(['Temporal client', () => connection.close()]);
    const client = new Client({ connection, namespace: cfg.temporal.namespace });
    // Terminate before the worker stops (cleanups run in reverse).
    cleanups.push([
      'workflows',
      () =>
        pool(ids, 32, 'terminating workflows', async (id) => {
          await client.workflow
            .getHandle(partnershipWorkflowId(id))
            .terminate('bench:api finished')
            .catch(() => undefined); // rejected ones have already closed
        }),
    ]);

    const tokenStore = new TokenStore(redis, prefix);
    const tokens = {} as Record<Persona, string>;
    for (const [persona, person] of Object.entries(PEOPLE) as Array<[Persona, { name: string; role: Role }]>) {
      tokens[persona] = (await tokenStore.create({ name: person.name, roles: [person.role] })).token;
    }

    const here = __dirname;
    err('  starting the API and the hello-world in child processes…');
    const children: ChildServer[] = [];
    cleanups.push(['child processes', () => Promise.all(children.map((c) => c.stop()))]);
    const api = await forkServer(path.join(here, 'api-server.js'), { BENCH_API_TASK_QUEUE: taskQueue, BENCH_API_PREFIX: prefix, BENCH_API_READ_WAIT_MS: '15000' });
    children.push(api);
    const hello = await forkServer(path.join(here, 'api-hello.js'));
    children.push(hello);
    const http = new Http(api.url, tokens);

    // Seed.
    err(`  seeding ${partnerships} partnerships over HTTP (${seedConcurrency} at a time)…`);
    const seedStarted = Date.now();
    const seeded: Seeded[] = [];
    const indexes = Array.from({ length: partnerships }, (_, i) => i);
    await pool(indexes, seedConcurrency, 'seeded', async (i) => {
      const id = `${run}-${String(i).padStart(4, '0')}`;
      ids.push(id);
      seeded.push(await seedOne(http, id, i));
    });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    err(`  seeded: ${http.commands} commands in ${seedSeconds.toFixed(1)} s (${(http.commands / seedSeconds).toFixed(0)} commands/s); waiting for the read models…`);
    let behind = 0;
    await pool(seeded, seedConcurrency, 'read models caught up', async (s) => {
      const a = await http.call('GET', `/partnerships/${s.id}?after=${encodeURIComponent(s.last)}`, 'viewer');
      if (a.status !== 200 || a.headers.get('partnerflow-caught-up') !== 'true') behind += 1;
    });
    if (behind > 0) throw new Error(`${behind} partnerships were not in the summary read model 15 s after their last command`);
    const byTarget = seeded.reduce<Record<string, number>>((m, s) => ({ ...m, [s.target]: (m[s.target] ?? 0) + 1 }), {});
    const seedLine = `${partnerships} partnerships seeded over HTTP in ${seedSeconds.toFixed(1)} s (${http.commands} commands, ${(http.commands / seedSeconds).toFixed(0)}/s): ${Object.entries(byTarget)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`;

    // Part 1.
    const headers = { authorization: `Bearer ${tokens.viewer}` };
    const reports = ['/reports/portfolio', '/reports/work', '/reports/risks', '/reports/calendar', '/reports/kpis', '/reports/cycle-times'];
    const throughput: Throughput[] = [];
    let baseline = NaN;
    let helloDrift = 0;
    if (only !== 'lag') {
      for (const r of reports) {
        const a = await http.call('GET', r, 'viewer');
        if (a.status !== 200) throw new Error(`GET ${r}: ${a.status} ${JSON.stringify(a.body)}`);
      }
      err(`\n== throughput: autocannon, ${connections} connections, ${duration} s per target`);
      const opts = { connections, duration, warmup };
      throughput.push(await cannon('hello-world (before)', hello.url, '/', opts, cannonStop));
      for (const r of reports) throughput.push(await cannon(r.slice('/reports/'.length), api.url, `${API}${r}`, { ...opts, headers }, cannonStop));
      let next = 0;
      const requests: autocannon.RequestSpec[] = [{ setupRequest: (req) => ({ ...req, path: `${API}/partnerships/${ids[next++ % ids.length]}` }) }];
      throughput.push(await cannon('partnership', api.url, `${API}/partnerships/{id}`, { ...opts, headers, requests }, cannonStop));
      throughput.push(await cannon('hello-world (after)', hello.url, '/', opts, cannonStop));
      baseline = ((throughput[0] as Throughput).rps + (throughput[throughput.length - 1] as Throughput).rps) / 2;
      helloDrift = Math.abs((throughput[0] as Throughput).rps - (throughput[throughput.length - 1] as Throughput).rps) / baseline;
    }

    // Part 2.
    let lag: LagResult | undefined;
    if (only !== 'throughput') {
      const optimizing = seeded.filter((s) => s.target === 'optimization');
      const targets = await Promise.all(
        optimizing.map(async (s) => {
          const risks = await http.get<Array<{ riskId: string; status: string }>>(`/partnerships/${s.id}/risks`);
          return { id: s.id, riskId: risks.find((r) => r.status !== 'closed')?.riskId };
        }),
      );
      err(`\n== read-your-write lag: ${rate} commands/s for ${duration} s over ${targets.length} optimization-stage partnerships`);
      lag = await measureLag(http, new ReadModelReader(redis, prefix), targets, rate, duration);
    }
    const after = conditions();

    // Results.
    out('');
    out(`bench:api  ${new Date().toISOString()}  node ${before.node}, fastify ${before.fastify}, ${before.cpus} × ${before.cpuModel}`);
    out(`  load average before ${before.loadavg.join(' / ')}, after ${after.loadavg.join(' / ')} (1/5/15 min; the stack and any other jobs share the CPUs)`);
    out(`  ${seedLine}`);
    if (throughput.length > 0) {
      out('');
      out(`throughput — autocannon ${connections} connections, ${duration} s per target after ${warmup} s warm-up; API and hello-world each in a child process,`);
      out(`autocannon in the bench process (with the idle worker and projector); ratio = req/s ÷ mean of the two hello-world runs (${fmtInt(baseline)} req/s)`);
      out(`  ${'target'.padEnd(22)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)} ${'bytes/resp'.padStart(11)} ${'× hello'.padStart(8)}`);
      for (const t of throughput) {
        out(
          `  ${t.name.padEnd(22)} ${fmtInt(t.rps).padStart(9)} ${ms1(t.p50).padStart(8)} ${ms1(t.p99).padStart(8)} ${String(t.non2xx).padStart(8)} ${String(t.errors).padStart(7)} ${fmtInt(t.bytesPerResponse).padStart(11)} ${(t.rps / baseline).toFixed(3).padStart(8)}`,
        );
      }
      if (helloDrift > 0.2) out(`  note: the two hello-world runs differ by ${(helloDrift * 100).toFixed(0)}%: other load on the machine moved during the run; read the ratios with that spread`);
    }
    if (lag !== undefined) {
      out('');
      out(`read-your-write lag — ${lag.rate} commands/s open-loop for ${lag.duration} s (KPI values and risk re-ratings on ${lag.targets} optimization-stage partnerships);`);
      out('lag = from the command\'s HTTP response to GET /partnerships/{id}?after=<its last event> answering caught-up (server polls Redis every 15 ms)');
      out(`  commands     sent ${lag.sent} at ${lag.achievedRate.toFixed(1)}/s achieved (max send slip ${fmtMs(lag.maxSlipMs)} ms), accepted ${lag.ok}, errors ${lag.errors}${lag.errors > 0 ? ` ${JSON.stringify(lag.errorStatuses)}` : ''}`);
      out(
        `               answered at ${lag.answeredRate.toFixed(1)}/s (first send to last answer); at most ${lag.maxInFlight} awaiting an answer at once; the last answer came ${fmtMs(lag.drainMs)} ms after the last send`,
      );
      out(`  command latency (ms)  p50 ${fmtMs(lag.command.p50)}  p99 ${fmtMs(lag.command.p99)}  max ${fmtMs(lag.command.max)}`);
      out(`  lag (ms)              p50 ${fmtMs(lag.lag.p50)}  p99 ${fmtMs(lag.lag.p99)}  max ${fmtMs(lag.lag.max)}  (n ${lag.lag.count}; not caught up within 15 s: ${lag.notCaughtUp}; read errors: ${lag.readErrors})`);
      out(`  already applied when the response arrived (one direct Redis read at that moment): ${lag.visibleAtResponse}/${lag.ok}`);
      out('  (a command answers only once its events are in Kafka; when the projector folds them before the answer gets back, the lag is one read round trip)');
    }
    const m = projector.metrics();
    if (m.deadLetteredTotal > 0) out(`  warning: the projector dead-lettered ${m.deadLetteredTotal} events`);
    const summary = {
      bench: 'api',
      at: new Date().toISOString(),
      conditions: { cpus: before.cpus, node: before.node, fastify: before.fastify, loadavgBefore: before.loadavg, loadavgAfter: after.loadavg, servers: 'child processes', loadGenerator: 'bench process' },
      partnerships,
      seed: { seconds: round(seedSeconds), commands: http.commands },
      throughput:
        throughput.length === 0
          ? null
          : {
              connections,
              duration,
              warmup,
              helloRps: round(baseline, 0),
              helloDrift: round(helloDrift, 2),
              targets: Object.fromEntries(
                throughput.map((t) => [t.name, { rps: round(t.rps, 0), p50: t.p50, p99: t.p99, non2xx: t.non2xx, errors: t.errors, ratio: round(t.rps / baseline, 3), bytes: round(t.bytesPerResponse, 0) }]),
              ),
            },
      lag:
        lag === undefined
          ? null
          : {
              rate: lag.rate,
              duration: lag.duration,
              achievedRate: round(lag.achievedRate),
              sent: lag.sent,
              ok: lag.ok,
              errors: lag.errors,
              notCaughtUp: lag.notCaughtUp,
              visibleAtResponse: lag.visibleAtResponse,
              answeredRate: round(lag.answeredRate),
              maxInFlight: lag.maxInFlight,
              drainMs: round(lag.drainMs, 0),
              commandP50: round(lag.command.p50),
              commandP99: round(lag.command.p99),
              count: lag.lag.count,
              p50: round(lag.lag.p50),
              p99: round(lag.lag.p99),
              max: round(lag.lag.max),
            },
    };
    out('');
    out(JSON.stringify(summary));
  } finally {
    err('\ncleaning up…');
    for (const [what, fn] of cleanups.reverse()) {
      await fn().catch((e: unknown) => err(`  cleanup of ${what} failed: ${e instanceof Error ? e.message : String(e)}`));
    }
    redis.disconnect();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    err('done.');
  }
});
