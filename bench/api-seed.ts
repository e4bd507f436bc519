/** Seeding for `npm run bench:api`: partnerships spread over the lifecycle's stages, driven over HTTP. */
import { defaultPolicy } from '../domain/policy';
import { COMMAND } from '../services/contract/commands';
import { READ } from '../services/contract/reads';
import { PEOPLE, type Http, type Persona } from './api-client';
import { err, pool } from './api-util';

export type Target = 'screening' | 'scored' | 'rejected' | 'dd.preliminary' | 'dd.detailed' | 'dd.final' | 'launch' | 'optimization';
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

interface OpenTask {
  id: string;
  kind: string;
  owner: string;
  legal?: boolean;
}

export interface Seeded {
  id: string;
  target: Target;
  /** The id of the last event a command of the seed recorded, for `?after=`. */
  last: string;
}

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

async function completeChecklist(http: Http, id: string, last: string): Promise<string> {
  const state = (await http.get(READ.getPartnershipState, { id })) as { openTasks: OpenTask[] };
  for (const task of state.openTasks.filter((t) => t.kind === 'checklist')) {
    const as: Persona = task.legal === true ? 'legal' : task.owner === PEOPLE.owner.name ? 'owner' : 'ops';
    last = await http.command(as, COMMAND.completeTask, { id, taskId: task.id }, { note: 'done' });
  }
  return last;
}

async function seedOne(http: Http, id: string, i: number): Promise<Seeded> {
  const target = pick(PLAN, i);
  let last = await http.command(
    'ops',
    COMMAND.registerPartnership,
    {},
    {
      partnershipId: id,
      name: `Bench partnership ${i}`,
      partner: `Partner ${i} Ltd`,
      kind: pick(KINDS, i),
      structure: pick(STRUCTURES, Math.floor(i / 3)),
      attributes: { region: pick(REGIONS, Math.floor(i / 7)) },
      owner: pick(OWNERS, i),
      pmoLead: PEOPLE.ops.name,
      executiveSponsor: PEOPLE.exec.name,
    },
  );
  const seeded = () => ({ id, target, last });
  if (target === 'screening') return seeded();
  const score = target === 'rejected' ? 2 : 4 + (i % 2);
  last = await http.command(
    'exec',
    COMMAND.submitScreeningScores,
    { id },
    { scores: Object.fromEntries(defaultPolicy.screening.criteria.map((c) => [c.id, score])) },
  );
  if (target === 'scored') return seeded();
  if (target === 'rejected') {
    last = await http.command('exec', COMMAND.decideGate, { id, gate: 'screening' }, { outcome: 'reject', rationale: 'weak strategic fit' });
    return seeded();
  }
  last = await http.command('exec', COMMAND.decideGate, { id, gate: 'screening' }, { outcome: 'advance', rationale: 'strong strategic fit' });
  last = await http.command(
    'ops',
    COMMAND.recordFinding,
    { id },
    {
      title: `Finding ${i}`,
      category: pick(CATEGORIES, i),
      likelihood: 1 + (i % 5),
      impact: 1 + ((i * 3) % 5),
    },
  );
  for (const [gate, who] of DD_GATES) {
    if (target === gate) return seeded();
    last = await completeChecklist(http, id, last);
    last = await http.command(who, COMMAND.decideGate, { id, gate }, { outcome: 'advance', rationale: 'bench' });
  }
  if (target === 'launch') return seeded();
  await completeChecklist(http, id, last);
  return launchAndRun(http, id, i, target);
}

/** Past the launch gate: a contract, KPIs with values, a risk and (one in three) an issue. */
async function launchAndRun(http: Http, id: string, i: number, target: Target): Promise<Seeded> {
  // Contracts of 190–310 days: their renewal windows (6 months before the end) open 1–18 weeks from now, most of them
  // inside the calendar report's default 90 days.
  const start = new Date();
  const end = new Date(start.getTime() + (190 + ((i * 7) % 120)) * 86_400_000);
  await http.command(
    'ops',
    COMMAND.decideGate,
    { id, gate: 'launch' },
    {
      outcome: 'advance',
      rationale: 'all launch items done',
      contract: { start: start.toISOString(), end: end.toISOString() },
      kpis: [
        { id: 'revenue-generated', name: 'Revenue generated', family: 'financial', target: 800_000, unit: 'EUR' },
        { id: 'investment', name: 'Investment', family: 'financial', target: 200_000, unit: 'EUR', direction: 'lower_is_better' },
        { id: 'joint-customers', name: 'Joint customers', family: 'strategic', target: 25 },
      ],
    },
  );
  await http.command('owner', COMMAND.recordKpi, { id }, { kpiId: 'revenue-generated', value: 300_000 + ((i * 7919) % 900_000) });
  await http.command('owner', COMMAND.recordKpi, { id }, { kpiId: 'investment', value: 100_000 + ((i * 104_729) % 200_000) });
  const risk = await http.command(
    'owner',
    COMMAND.addRisk,
    { id },
    {
      title: `Risk ${i}`,
      category: pick(CATEGORIES, i + 2),
      likelihood: 1 + ((i * 2) % 5),
      impact: 1 + (i % 5),
      owner: pick(OWNERS, i),
    },
  );
  const last =
    i % 3 === 0
      ? await http.command('owner', COMMAND.raiseIssue, { id }, { title: `Issue ${i}`, severity: pick(['low', 'medium', 'high'] as const, i) })
      : risk;
  return { id, target, last };
}

export interface Seeding {
  seeded: Seeded[];
  seconds: number;
  /** The one line the report prints about the seed. */
  line: string;
}

/** Seeds `count` partnerships (`<run>-0000`…, their ids pushed to `ids` as they start) and waits for the read models. */
export async function seedAll(http: Http, run: string, count: number, concurrency: number, ids: string[]): Promise<Seeding> {
  err(`  seeding ${count} partnerships over HTTP (${concurrency} at a time)…`);
  const started = Date.now();
  const seeded: Seeded[] = [];
  await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    'seeded',
    async (i) => {
      const id = `${run}-${String(i).padStart(4, '0')}`;
      ids.push(id);
      seeded.push(await seedOne(http, id, i));
    },
  );
  const seconds = (Date.now() - started) / 1000;
  err(`  seeded: ${http.commands} commands in ${seconds.toFixed(1)} s (${(http.commands / seconds).toFixed(0)} commands/s); waiting for the read models…`);
  let behind = 0;
  await pool(seeded, concurrency, 'read models caught up', async (s) => {
    const a = await http.read(READ.getPartnership, { id: s.id }, s.last);
    if (a.status !== 200 || a.headers.get('partnerflow-caught-up') !== 'true') behind += 1;
  });
  if (behind > 0) throw new Error(`${behind} partnerships were not in the summary read model 15 s after their last command`);
  const byTarget = seeded.reduce<Record<string, number>>((m, s) => ({ ...m, [s.target]: (m[s.target] ?? 0) + 1 }), {});
  const line = `${count} partnerships seeded over HTTP in ${seconds.toFixed(1)} s (${http.commands} commands, ${(http.commands / seconds).toFixed(0)}/s): ${Object.entries(
    byTarget,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`;
  return { seeded, seconds, line };
}
