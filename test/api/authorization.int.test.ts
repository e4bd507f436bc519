import { compressedPolicy, type Policy } from '../../domain/policy';
import type { LifecycleClient } from '../../services/lifecycle-client';
import { startApiSystem, type ApiSystem, type Persona } from '../support/api';
import { completeChecklist, driveTo, flatScores, people, registered, registrationData } from '../support/lifecycle';
import { eventually, unique } from '../support/stack';

/**
 * The decision-rights matrix over HTTP: every command route × every persona, plus no token and a revoked token. Each
 * cell asserts the exact status; an allowed cell runs on a partnership of its own prepared to the right stage, and the
 * refused cells of a row share one whose state must not move.
 */

type Column = Persona | 'none';
const COLUMNS: readonly Column[] = ['admin', 'ops', 'exec', 'legal', 'owner', 'viewer', 'opsLegal', 'none', 'revoked'];
const CONTRIBUTORS: readonly Persona[] = ['admin', 'ops', 'exec', 'legal', 'owner', 'opsLegal'];

/** A policy whose preliminary due diligence is due in 2 s, so its checklist escalates (overdue → owner) within seconds. */
const fastLadderPolicy: Policy = {
  ...compressedPolicy,
  version: `${compressedPolicy.version}-fast-ladder`,
  dueDiligence: {
    ...compressedPolicy.dueDiligence,
    phases: { ...compressedPolicy.dueDiligence.phases, preliminary: { ...compressedPolicy.dueDiligence.phases.preliminary, duration: 'PT2S' } },
  },
};

interface Prepared {
  id: string;
  /** Route-specific values (task id, escalation reference…). */
  ref?: string;
}

interface Row {
  name: string;
  method: 'POST' | 'PATCH';
  path: (p: Prepared) => string;
  body: (p: Prepared) => unknown;
  prepare: (lc: LifecycleClient) => Promise<Prepared>;
  allowed: readonly Persona[];
  /** 201 for a registration. */
  okStatus?: number;
}

async function fresh(lc: LifecycleClient, policy: Policy = compressedPolicy): Promise<string> {
  const id = unique('authz');
  await lc.register(registrationData(id, policy), people.ops);
  return id;
}

async function inDiligence(lc: LifecycleClient, policy: Policy = compressedPolicy): Promise<string> {
  const id = await fresh(lc, policy);
  await driveTo(lc, id, 'due_diligence', policy);
  return id;
}

async function openTask(lc: LifecycleClient, id: string, pick: (t: { id: string; kind: string; legal: boolean; owner: string }) => boolean): Promise<string> {
  const task = registered(await lc.state(id)).openTasks.find(pick);
  if (task === undefined) throw new Error(`no matching open task on ${id}`);
  return task.id;
}

const ROWS: readonly Row[] = [
  {
    name: 'register a partnership',
    method: 'POST',
    path: () => '/api/v1/partnerships',
    body: () => ({
      name: 'Matrix Co',
      partner: 'Matrix Ltd',
      kind: 'technology',
      structure: 'contractual',
      owner: people.owner.id,
      pmoLead: people.ops.id,
      executiveSponsor: people.exec.id,
    }),
    prepare: async () => ({ id: '' }),
    allowed: ['admin', 'ops', 'opsLegal'],
    okStatus: 201,
  },
  {
    name: 'submit screening scores (own)',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/screening/scores`,
    body: () => ({ scores: flatScores(compressedPolicy, 4) }),
    prepare: async (lc) => ({ id: await fresh(lc) }),
    allowed: CONTRIBUTORS,
  },
  {
    name: 'decide the screening gate (strategic)',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/gates/screening/decision`,
    body: () => ({ outcome: 'advance', rationale: 'fits' }),
    prepare: async (lc) => {
      const id = await fresh(lc);
      await lc.command(id, 'SubmitScreeningScore', { evaluator: people.exec.id, scores: flatScores(compressedPolicy, 4) }, people.exec);
      return { id };
    },
    allowed: ['admin', 'exec'],
  },
  {
    name: 'decide the preliminary due-diligence gate (operational)',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/gates/dd.preliminary/decision`,
    body: () => ({ outcome: 'advance', rationale: 'fine' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc);
      await completeChecklist(lc, id);
      return { id };
    },
    allowed: ['admin', 'ops', 'opsLegal'],
  },
  {
    name: 'assign a task',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/tasks/${p.ref}/assign`,
    body: () => ({ owner: 'nina.new' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc);
      return { id, ref: await openTask(lc, id, (t) => t.kind === 'checklist') };
    },
    allowed: ['admin', 'ops', 'opsLegal'],
  },
  {
    name: "complete a task (the owner's)",
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/tasks/${p.ref}/complete`,
    body: () => ({ note: 'done' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc);
      return { id, ref: await openTask(lc, id, (t) => t.kind === 'checklist' && !t.legal && t.owner === people.owner.id) };
    },
    allowed: ['admin', 'ops', 'owner', 'opsLegal'],
  },
  {
    name: 'complete a legal item',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/tasks/${p.ref}/complete`,
    body: () => ({ note: 'signed off' }),
    prepare: async (lc) => {
      const id = await fresh(lc);
      await driveTo(lc, id, 'dd.detailed');
      return { id, ref: await openTask(lc, id, (t) => t.kind === 'checklist' && t.legal) };
    },
    // ops + legal acts as legal here: the API tries the principal's next role when one is refused.
    allowed: ['admin', 'legal', 'opsLegal'],
  },
  {
    name: 'move a deadline',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/tasks/${p.ref}/deadline`,
    body: () => ({ dueAt: new Date(Date.now() + 86_400_000).toISOString(), reason: 'supplier late' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc);
      return { id, ref: await openTask(lc, id, (t) => t.kind === 'checklist') };
    },
    allowed: ['admin', 'ops', 'opsLegal'],
  },
  {
    name: 'record a finding',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/findings`,
    body: () => ({ title: 'Thin margins', category: 'financial', likelihood: 2, impact: 3 }),
    prepare: async (lc) => ({ id: await inDiligence(lc) }),
    allowed: CONTRIBUTORS,
  },
  {
    name: 'add a risk',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/risks`,
    body: () => ({ title: 'Churn', category: 'relationship', likelihood: 2, impact: 2, owner: people.owner.id }),
    prepare: async (lc) => ({ id: await inDiligence(lc) }),
    allowed: CONTRIBUTORS,
  },
  {
    name: 'update a risk',
    method: 'PATCH',
    path: (p) => `/api/v1/partnerships/${p.id}/risks/risk.1`,
    body: () => ({ status: 'mitigating' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc);
      await lc.command(id, 'AddRisk', { title: 'Churn', category: 'relationship', likelihood: 2, impact: 2, owner: people.owner.id }, people.ops);
      return { id };
    },
    allowed: CONTRIBUTORS,
  },
  {
    name: 'record a KPI value',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/kpis`,
    body: () => ({ kpiId: 'revenue-generated', value: 1000 }),
    prepare: async (lc) => {
      const id = await fresh(lc);
      await driveTo(lc, id, 'optimization', compressedPolicy);
      return { id };
    },
    allowed: CONTRIBUTORS,
  },
  {
    name: 'raise an issue',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/issues`,
    body: () => ({ title: 'Slow replies', severity: 'low' }),
    prepare: async (lc) => ({ id: await inDiligence(lc) }),
    allowed: CONTRIBUTORS,
  },
  {
    name: 'resolve an issue (owned by the owner)',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/issues/issue.1/resolve`,
    body: () => ({ resolution: 'sorted' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc);
      await lc.command(id, 'RaiseIssue', { title: 'Slow replies', severity: 'low', owner: people.owner.id }, people.ops);
      return { id };
    },
    allowed: ['admin', 'ops', 'owner', 'opsLegal'],
  },
  {
    name: 'decide the renewal',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/renewal/decision`,
    body: () => ({ decision: 'renew', rationale: 'on target' }),
    prepare: async (lc) => {
      const id = await fresh(lc);
      await driveTo(lc, id, 'launch');
      await completeChecklist(lc, id);
      const start = new Date();
      const end = new Date(start.getTime() + 2 * 3600_000 + 2_000); // the renewal window opens 2 h before the end
      const kpis = [{ id: 'revenue-generated', name: 'Revenue', family: 'financial', target: 1 }];
      await lc.command(
        id,
        'DecideGate',
        { gate: 'launch', outcome: 'advance', rationale: 'go', contract: { start: start.toISOString(), end: end.toISOString() }, kpis },
        people.ops,
      );
      await eventually(async () => (registered(await lc.state(id)).stage === 'renewal' ? true : undefined), 30_000, 'the renewal window');
      return { id };
    },
    allowed: ['admin', 'exec'],
  },
  {
    name: 'serve notice of exit',
    method: 'POST',
    path: (p) => `/api/v1/partnerships/${p.id}/exit`,
    body: () => ({ reason: 'strategy changed' }),
    prepare: async (lc) => {
      const id = await fresh(lc);
      await driveTo(lc, id, 'optimization', compressedPolicy);
      return { id };
    },
    allowed: ['admin', 'exec'],
  },
  {
    name: 'acknowledge an escalation (addressed to the owner)',
    method: 'POST',
    path: (p) => `/api/v1/escalations/${encodeURIComponent(p.ref as string)}/acknowledge`,
    body: () => ({ note: 'on it' }),
    prepare: async (lc) => {
      const id = await inDiligence(lc, fastLadderPolicy);
      const escalation = await eventually(
        async () => registered(await lc.state(id)).openEscalations.find((e) => e.addressee.id === people.owner.id && e.acknowledgedAt === null),
        30_000,
        'an overdue escalation to the owner',
      );
      return { id, ref: `${id}/${escalation.id}` };
    },
    allowed: ['admin', 'ops', 'owner', 'opsLegal'],
  },
];

describe('decision rights over HTTP: every command route × every role', () => {
  let sys: ApiSystem;

  beforeAll(async () => {
    sys = await startApiSystem('authz', { policy: compressedPolicy });
  });
  afterAll(async () => {
    await sys?.close();
  });

  test.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const allowedCells = COLUMNS.filter((c): c is Persona => c !== 'none' && c !== 'revoked' && row.allowed.includes(c));
    const refusedCells = COLUMNS.filter((c) => !allowedCells.includes(c as Persona));
    const [shared, ...own] = await Promise.all([row.prepare(sys.lifecycle), ...allowedCells.map(() => row.prepare(sys.lifecycle))]);
    // Timers may record events on their own (the escalation ladder); commands are the accepted Updates in history.
    const acceptedUpdates = async (p: Prepared) =>
      p.id === ''
        ? 0
        : ((await sys.lifecycle.handle(p.id).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes != null).length;
    const before = await acceptedUpdates(shared);

    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const column of refusedCells) {
      const answer = await sys.call(row.method, row.path(shared), { as: column === 'none' ? null : column, body: row.body(shared) });
      got[column] = answer.status;
      want[column] = column === 'none' || column === 'revoked' ? 401 : 403;
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    }
    await Promise.all(
      allowedCells.map(async (column, i) => {
        const p = own[i] as Prepared;
        const answer = await sys.call(row.method, row.path(p), { as: column, body: row.body(p) });
        got[column] = answer.status;
        want[column] = row.okStatus ?? 200;
        if (answer.status !== want[column]) got[`${column} (detail)`] = answer.body?.detail;
      }),
    );
    expect(got).toEqual(want);
    // Refused cells changed nothing.
    expect(await acceptedUpdates(shared)).toBe(before);
  });

  test('a forbidden answer says who may take the decision', async () => {
    const id = await inDiligence(sys.lifecycle);
    const answer = await sys.call('POST', `/api/v1/partnerships/${id}/gates/dd.preliminary/decision`, {
      as: 'exec',
      body: { outcome: 'advance', rationale: 'x' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toMatch(/ops/);
    expect(answer.body.code).toBe('forbidden');
  });
});
