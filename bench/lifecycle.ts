/**
 * npm run bench:lifecycle [-- --walk 1000 --timers 10000 --concurrency 50 --only walk|timers]
 *
 * 1. `walk`: N partnerships walked through a whole lifecycle (registration → screening → three due-diligence gates →
 *    launch → optimization → renewal window → exit decision → wind-down → exited) on the time-skipping server.
 *    Prints wall time per phase and the worker process's peak RSS.
 * 2. `timers`: M partnerships registered on the dev server under a compressed policy, so each one's ladder steps fall
 *    two to four minutes away; prints worker RSS and how late timers fire against their planned time
 *    (p50 / p99 / max), both as the workflow saw it and when the publishing activity ran.
 * Figures only; nothing is asserted.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/lifecycle-activities';
import { createKafkaPublisher, type EventPublisher } from '../activities/publisher';
import type { CloudEvent } from '../domain/cloudevent';
import { eventSchema } from '../domain/events';
import { compressedPolicy, defaultPolicy, parsePolicy, policyBodyOf, type Policy } from '../domain/policy';
import type { Actor } from '../domain/roles';
import { connectTemporalClient, connectTemporalWorker, createKafka } from '../platform/clients';
import { loadConfig } from '../platform/config';
import { runMain } from '../platform/entry';
import { toolPaths } from '../infra/provision';
import { ensureSearchAttributes } from '../infra/search-attributes';
import { up } from '../infra/stack';
import { WORKFLOWS_PATH } from '../infra/temporal-worker';
import { LifecycleClient } from '../services/lifecycle-client';
import type { LifecycleView } from '../workflows/messages';

const ops: Actor = { id: 'pat.pmo', role: 'ops' };
const exec: Actor = { id: 'erin.sponsor', role: 'exec' };
const legal: Actor = { id: 'lee.legal', role: 'legal' };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

function mustPolicy(input: unknown): Policy {
  const r = parsePolicy(input);
  if (!r.ok) throw new Error(r.message);
  return r.policy;
}

/** The compressed policy (minutes instead of months), with the screening gate due `screeningMinutes` after registration. */
function benchPolicy(version: string, screeningMinutes: number, quietReviews = false): Policy {
  const c = compressedPolicy;
  return mustPolicy({
    ...policyBodyOf(c),
    version,
    modifiers: c.modifiers,
    screening: { ...c.screening, evaluationWindow: `PT${screeningMinutes}M`, gateDecisionWithin: 'PT1M' },
    escalation: { ...c.escalation, reminderLead: 'PT1M' },
    // The walk measures transitions, so its reviews keep the real cadence and fall after the short contract ends.
    reviews: quietReviews ? defaultPolicy.reviews : c.reviews,
  });
}

function registration(id: string, policy: Policy) {
  return {
    partnershipId: id,
    name: `Bench partnership ${id}`,
    partner: 'Bench Partner Ltd',
    kind: 'alliance',
    structure: 'contractual',
    owner: 'olga.owner',
    pmoLead: ops.id,
    executiveSponsor: exec.id,
    policy,
  };
}

type Registered = Extract<LifecycleView, { partnershipId: string }>;
const reg = (v: LifecycleView): Registered => {
  if (v.stage === 'unregistered') throw new Error('not registered');
  return v;
};

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>, label: string): Promise<void> {
  let next = 0;
  let done = 0;
  const started = Date.now();
  const progress = setInterval(() => {
    const rate = done / ((Date.now() - started) / 1000);
    process.stderr.write(`  ${label}: ${done}/${items.length} (${rate.toFixed(0)}/s)\n`);
  }, 10_000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) {
          const item = items[next++] as T;
          await fn(item);
          done += 1;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}
function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function completeChecklist(lc: LifecycleClient, id: string): Promise<void> {
  for (const t of reg(await lc.state(id)).openTasks.filter((x) => x.kind === 'checklist')) {
    await lc.command(id, 'CompleteTask', { taskId: t.id }, t.legal ? legal : { id: t.owner, role: 'owner' });
  }
}

async function walk(count: number, concurrency: number): Promise<void> {
  const cfg = loadConfig();
  console.log(`\n== walk: ${count} partnerships through a whole lifecycle on the time-skipping server (concurrency ${concurrency})`);
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: toolPaths(cfg).testServerScript } } });
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  const taskQueue = `bench-walk-${randomUUID().slice(0, 8)}`;
  let published = 0;
  const publisher: EventPublisher = { publish: async (events) => void (published += events.length), close: async () => undefined };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    activities: createActivities({ publisher }),
  });
  const running = worker.run();
  const lc = new LifecycleClient(env.client, taskQueue);
  const policy = benchPolicy('bench-walk@1', 10, true);
  const ids = Array.from({ length: count }, (_, i) => `walk-${i}-${randomUUID().slice(0, 6)}`);
  const scores = Object.fromEntries(policy.screening.criteria.map((c) => [c.id, 4]));
  const t0 = Date.now();
  const phase = async (name: string, fn: () => Promise<void>) => {
    const s = Date.now();
    await fn();
    console.log(`  ${name.padEnd(44)} ${((Date.now() - s) / 1000).toFixed(1)} s   rss ${rssMb()} MB`);
  };
  try {
    await phase('register, screen, due diligence, launch', () =>
      pool(
        ids,
        concurrency,
        async (id) => {
          await lc.register(registration(id, policy), ops);
          await lc.command(id, 'SubmitScreeningScore', { evaluator: exec.id, scores }, exec);
          await lc.command(id, 'DecideGate', { gate: 'screening', outcome: 'advance', rationale: 'bench' }, exec);
          for (const [gate, who] of [
            ['dd.preliminary', ops],
            ['dd.detailed', ops],
            ['dd.final', exec],
          ] as const) {
            await completeChecklist(lc, id);
            await lc.command(id, 'DecideGate', { gate, outcome: 'advance', rationale: 'bench' }, who);
          }
          await completeChecklist(lc, id);
          const now = reg(await lc.state(id)).updatedAt;
          await lc.command(
            id,
            'DecideGate',
            {
              gate: 'launch',
              outcome: 'advance',
              rationale: 'bench',
              contract: { start: now, end: new Date(Date.parse(now) + 4 * 3600_000).toISOString(), autoRenew: false },
              kpis: [{ id: 'revenue-generated', name: 'Revenue', family: 'financial', target: 1 }],
            },
            ops,
          );
        },
        'to optimization',
      ),
    );
    await phase('time skips to the renewal windows', () => env.sleep(3 * 3600_000));
    await phase('exit decided, wind-down completed', () =>
      pool(
        ids,
        concurrency,
        async (id) => {
          await lc.command(id, 'DecideRenewal', { decision: 'exit', rationale: 'bench' }, exec);
          await completeChecklist(lc, id);
        },
        'to exit',
      ),
    );
    await phase('notice periods run out, all exited', async () => {
      const results = await Promise.all(ids.map((id) => lc.handle(id).result() as Promise<LifecycleView>));
      const exited = results.filter((r) => r.stage === 'exited').length;
      if (exited !== count) throw new Error(`${count - exited} partnerships did not exit`);
    });
    const wall = (Date.now() - t0) / 1000;
    console.log(`  total: ${wall.toFixed(1)} s wall for ${count} lifecycles (${(count / wall).toFixed(1)} lifecycles/s), ${published} events published`);
    console.log(`  worker process peak RSS: ${peakRssMb()} MB (worker, client and bench in one process; the Java test server not included)`);
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}

async function timers(count: number, concurrency: number): Promise<void> {
  const cfg = loadConfig();
  console.log(`\n== timers: ${count} partnerships with pending ladder timers on the dev server (real Kafka publisher)`);
  await up(cfg);
  const kafka = createKafka(cfg);
  const topic = `bench.lifecycle-timers.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: cfg.kafka.partitions, replicationFactor: 1 }], waitForLeaders: true });
  const real = await createKafkaPublisher(kafka, topic);
  const workflowLate: number[] = [];
  const publishLate: number[] = [];
  const fired = new Set<string>();
  const publisher: EventPublisher = {
    async publish(events: CloudEvent[]) {
      await real.publish(events);
      const now = Date.now();
      for (const ce of events) {
        const e = eventSchema.parse(ce.data);
        if (e.type !== 'EscalationStepFired' || fired.has(ce.id)) continue;
        fired.add(ce.id);
        workflowLate.push(Date.parse(e.metadata.occurredAt) - Date.parse(e.data.scheduledAt));
        publishLate.push(now - Date.parse(e.data.scheduledAt));
      }
    },
    close: () => real.close(),
  };
  const taskQueue = `bench-timers-${randomUUID().slice(0, 8)}`;
  const connection = await connectTemporalClient(cfg);
  const worker = await Worker.create({
    connection: await connectTemporalWorker(cfg),
    namespace: cfg.temporal.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    activities: createActivities({ publisher }),
  });
  const running = worker.run();
  const lc = new LifecycleClient(new Client({ connection, namespace: cfg.temporal.namespace }), taskQueue);
  // Screening gate due 3 min after registration: reminder at +2 min, overdue at +3, PMO lead at +4 min.
  const policy = benchPolicy('bench-timers@1', 2);
  const run = randomUUID().slice(0, 6);
  const ids = Array.from({ length: count }, (_, i) => `timers-${run}-${i}`);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 1000);
  try {
    const t0 = Date.now();
    await pool(ids, concurrency, (id) => lc.register(registration(id, policy), ops).then(() => undefined), 'registered');
    const regSeconds = (Date.now() - t0) / 1000;
    console.log(`  registered ${count} in ${regSeconds.toFixed(1)} s (${(count / regSeconds).toFixed(0)}/s); rss ${rssMb()} MB`);
    const expected = count * 3; // reminder, overdue, L1
    const deadline = Date.now() + 4.5 * 60_000 + regSeconds * 1000;
    while (fired.size < expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5000));
      process.stderr.write(`  ladder steps fired: ${fired.size}/${expected}; rss ${rssMb()} MB\n`);
    }
    const w = [...workflowLate].sort((a, b) => a - b);
    const p = [...publishLate].sort((a, b) => a - b);
    console.log(`  ladder steps fired: ${fired.size} (of ${expected} expected in the window)`);
    console.log(`  lateness as the workflow saw it (ms):  p50 ${pct(w, 50)}  p99 ${pct(w, 99)}  max ${w.at(-1)}`);
    console.log(`  lateness when published to Kafka (ms): p50 ${pct(p, 50)}  p99 ${pct(p, 99)}  max ${p.at(-1)}`);
    console.log(`  worker process RSS: peak ${peakRss} MB, now ${rssMb()} MB`);
  } finally {
    clearInterval(sampler);
    worker.shutdown();
    await running;
    await publisher.close();
    await pool(
      ids,
      concurrency,
      (id) =>
        lc
          .handle(id)
          .terminate('benchmark finished')
          .then(() => undefined)
          .catch(() => undefined),
      'terminating bench lifecycles',
    );
    await connection.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

runMain(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const only = arg('only', 'both');
  const concurrency = Number(arg('concurrency', '50'));
  if (only === 'both' || only === 'walk') await walk(Number(arg('walk', '1000')), concurrency);
  if (only === 'both' || only === 'timers') await timers(Number(arg('timers', '10000')), concurrency);
});
