import { compressedPolicy } from '../../domain/policy';
import { startApiSystem, type ApiAnswer, type ApiSystem, type Persona } from '../support/api';
import { people } from '../support/lifecycle';
import { eventually } from '../support/stack';

/** The last event id of a command answer, for `?after=`. */
const lastEvent = (a: ApiAnswer): string => {
  const events = a.body.events as Array<{ id: string }>;
  return (events[events.length - 1] as { id: string }).id;
};

describe('a whole lifecycle driven only through HTTP, read models checked after each step', () => {
  let sys: ApiSystem;
  let id: string;

  beforeAll(async () => {
    sys = await startApiSystem('lifecycle', { policy: compressedPolicy });
  });
  afterAll(async () => {
    await sys?.close();
  });

  /** Sends a command and expects it accepted; returns the answer. */
  async function ok(as: Persona, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const a = await sys.call(method, path, { as, body });
    if (a.status !== 200 && a.status !== 201) throw new Error(`${method} ${path} as ${as}: ${a.status} ${JSON.stringify(a.body)}`);
    return a;
  }

  /** Reads a route after the given event, asserting the read model caught up. */
  async function readAfter(path: string, event: string, as: Persona = 'viewer'): Promise<ApiAnswer> {
    const a = await sys.call('GET', `${path}${path.includes('?') ? '&' : '?'}after=${encodeURIComponent(event)}`, { as });
    expect(a.status).toBe(200);
    expect(a.headers.get('partnerflow-caught-up')).toBe('true');
    return a;
  }

  /** Completes every open checklist item over HTTP: legal items as legal, the rest as their owner. */
  async function completeChecklist(): Promise<ApiAnswer | undefined> {
    const state = (await ok('viewer', 'GET', `/api/v1/partnerships/${id}/state`)).body;
    let last: ApiAnswer | undefined;
    for (const task of state.openTasks.filter((t: { kind: string }) => t.kind === 'checklist')) {
      const as: Persona = task.legal ? 'legal' : task.owner === people.owner.id ? 'owner' : 'ops';
      last = await ok(as, 'POST', `/api/v1/partnerships/${id}/tasks/${task.id}/complete`, { note: 'done' });
    }
    return last;
  }

  test('registration → screening → due diligence → launch → optimization → renewal → exit', async () => {
    // Register (ops); the id is made from the name.
    const reg = await ok('ops', 'POST', '/api/v1/partnerships', {
      name: 'Acme Cloud Alliance',
      partner: 'Acme Cloud Ltd',
      kind: 'alliance',
      structure: 'contractual',
      attributes: { region: 'EMEA' },
      owner: people.owner.id,
      pmoLead: people.ops.id,
      executiveSponsor: people.exec.id,
    });
    expect(reg.status).toBe(201);
    id = reg.body.partnershipId;
    expect(id).toMatch(/^acme-cloud-alliance-[0-9a-f]{6}$/);
    expect(reg.headers.get('location')).toBe(`/api/v1/partnerships/${id}`);
    expect(reg.body.events[0]).toEqual({ id: `${id}/1`, type: 'PartnershipRegistered', sequence: 1 });
    expect(reg.body.events.map((e: { sequence: number }) => e.sequence)).toEqual(reg.body.events.map((_: unknown, i: number) => i + 1));
    expect(reg.body.actor).toEqual({ id: people.ops.id, role: 'ops' });
    expect(reg.body.state.stage).toBe('screening');

    let summary = (await readAfter(`/api/v1/partnerships/${id}`, lastEvent(reg))).body;
    expect(summary).toMatchObject({ partnershipId: id, stage: 'screening', kind: 'alliance', owner: people.owner.id, sponsor: people.exec.id });
    const listed = (await readAfter('/api/v1/partnerships?stage=screening&kind=alliance', `${id}/1`)).body;
    expect(listed.items.map((s: { partnershipId: string }) => s.partnershipId)).toEqual([id]);

    // Screening: the sponsor scores (evaluator defaults to the caller) and advances the strategic gate.
    const scores = Object.fromEntries(compressedPolicy.screening.criteria.map((c) => [c.id, 4]));
    let a = await ok('exec', 'POST', `/api/v1/partnerships/${id}/screening/scores`, { scores });
    summary = (await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body;
    expect(summary.compositeScore).toBe(4);
    a = await ok('exec', 'POST', `/api/v1/partnerships/${id}/gates/screening/decision`, { outcome: 'advance', rationale: 'strong strategic fit' });
    expect(a.body.state.stage).toBe('due_diligence');
    summary = (await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body;
    expect(summary).toMatchObject({ stage: 'due_diligence', phase: 'preliminary' });
    expect(summary.openTasks).toBeGreaterThan(0);
    const portfolio = (await readAfter('/api/v1/reports/portfolio', lastEvent(a))).body;
    expect(portfolio.byStage.due_diligence).toContain(id);
    expect(portfolio.funnel.screened).toBe(1);
    const work = (await readAfter(`/api/v1/reports/work?owner=${people.owner.id}`, lastEvent(a))).body;
    expect(work.openTasks).toMatchObject({ offset: 0, limit: 100 });
    expect(work.openTasks.total).toBeGreaterThan(1);
    expect(work.openTasks.items).toHaveLength(work.openTasks.total);
    expect(work.openTasks.items.every((t: { owner: string; partnershipId: string }) => t.owner === people.owner.id && t.partnershipId === id)).toBe(true);
    // Pages of one: the same tasks, in the same (due date) order, each page knowing the whole list's size.
    for (let offset = 0; offset < work.openTasks.total; offset += 1) {
      const one = (await readAfter(`/api/v1/reports/work?owner=${people.owner.id}&limit=1&offset=${offset}`, lastEvent(a))).body;
      expect(one.openTasks).toEqual({ total: work.openTasks.total, offset, limit: 1, items: [work.openTasks.items[offset]] });
    }
    const someoneElse = (await readAfter('/api/v1/reports/work?owner=nobody.here', lastEvent(a))).body;
    expect(someoneElse.openTasks).toEqual({ total: 0, offset: 0, limit: 100, items: [] });
    expect(someoneElse.escalations).toMatchObject({ total: 0, items: [], byLevel: {}, byAddressee: {} });

    // Due diligence: a finding enters the risk register; three phases, three gates.
    a = await ok('ops', 'POST', `/api/v1/partnerships/${id}/findings`, { title: 'Key-person dependency', category: 'operational', likelihood: 3, impact: 4 });
    const risks = (await readAfter('/api/v1/reports/risks?minSeverity=10', lastEvent(a))).body;
    expect(risks.risks).toEqual({
      total: 1,
      offset: 0,
      limit: 100,
      items: [expect.objectContaining({ partnershipId: id, title: 'Key-person dependency', severity: 12 })],
    });
    await completeChecklist();
    a = await ok('ops', 'POST', `/api/v1/partnerships/${id}/gates/dd.preliminary/decision`, { outcome: 'advance', rationale: 'nothing alarming' });
    expect((await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body.phase).toBe('detailed');
    await completeChecklist();
    a = await ok('ops', 'POST', `/api/v1/partnerships/${id}/gates/dd.detailed/decision`, { outcome: 'advance', rationale: 'integration feasible' });
    expect((await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body.phase).toBe('final');
    await completeChecklist();
    a = await ok('exec', 'POST', `/api/v1/partnerships/${id}/gates/dd.final/decision`, { outcome: 'advance', rationale: 'business case holds' });
    expect((await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body.stage).toBe('launch');

    // Launch: the contract ends just over the renewal lead time (2 h) from now, so the renewal window opens soon.
    await completeChecklist();
    const start = new Date();
    const end = new Date(start.getTime() + 2 * 3600_000 + 8_000);
    a = await ok('ops', 'POST', `/api/v1/partnerships/${id}/gates/launch/decision`, {
      outcome: 'advance',
      rationale: 'all launch items done',
      contract: { start: start.toISOString(), end: end.toISOString(), noticePeriod: 'PT2S' },
      kpis: [{ id: 'revenue-generated', name: 'Revenue generated', family: 'financial', target: 800000, unit: 'EUR' }],
    });
    expect(a.body.state.stage).toBe('optimization');
    summary = (await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body;
    expect(summary.stage).toBe('optimization');
    expect(summary.contract).toEqual({ start: start.toISOString(), end: end.toISOString() });
    const calendar = (await readAfter(`/api/v1/reports/calendar?to=${encodeURIComponent(new Date(end.getTime() + 3600_000).toISOString())}`, lastEvent(a)))
      .body;
    const dated = calendar.entries.filter((e: { partnershipId: string }) => e.partnershipId === id) as Array<{
      kind: string;
      entryId: string;
      at: string;
      status: string;
    }>;
    expect(new Set(dated.map((e) => e.kind))).toEqual(new Set(['review', 'renewal_window', 'contract_end']));
    // The next review of each cadence a period after the contract start (compressed policy: 30 and 90 minutes; the
    // annual one, 6 hours away, is past the end of this query).
    expect(dated.filter((e) => e.kind === 'review').map((e) => [e.entryId, e.at, e.status])).toEqual([
      ['next-review:monthly', new Date(start.getTime() + 30 * 60_000).toISOString(), 'expected'],
      ['next-review:quarterly', new Date(start.getTime() + 90 * 60_000).toISOString(), 'expected'],
    ]);

    // Optimization: a KPI value, an issue raised and resolved, a risk added and changed.
    a = await ok('owner', 'POST', `/api/v1/partnerships/${id}/kpis`, { kpiId: 'revenue-generated', value: 900000 });
    const scorecard = (await readAfter(`/api/v1/partnerships/${id}/kpis`, lastEvent(a))).body;
    expect(scorecard.kpis).toEqual([expect.objectContaining({ kpiId: 'revenue-generated', latest: expect.objectContaining({ value: 900000 }) })]);
    // No cost KPI yet, so no ROI: the portfolio's KPI report still lists it (after the ranked ones).
    const kpiReport = (await readAfter('/api/v1/reports/kpis', lastEvent(a))).body;
    expect(kpiReport.items).toContainEqual(expect.objectContaining({ partnershipId: id, roi: null, kpis: scorecard.kpis }));
    a = await ok('owner', 'POST', `/api/v1/partnerships/${id}/issues`, { title: 'Late invoices', severity: 'medium' });
    const issueId = (a.body.events as Array<{ type: string }>).some((e) => e.type === 'IssueRaised') ? 'issue.1' : '';
    expect(issueId).toBe('issue.1');
    await ok('ops', 'POST', `/api/v1/partnerships/${id}/issues/${issueId}/resolve`, { resolution: 'billing contact fixed' });
    await ok('owner', 'POST', `/api/v1/partnerships/${id}/risks`, {
      title: 'Currency exposure',
      category: 'financial',
      likelihood: 2,
      impact: 3,
      owner: people.owner.id,
    });
    a = await ok('ops', 'PATCH', `/api/v1/partnerships/${id}/risks/risk.2`, { status: 'mitigating', mitigation: ['hedge EUR/USD'] });
    const mine = (await readAfter(`/api/v1/partnerships/${id}/risks`, lastEvent(a))).body;
    expect(mine).toEqual(expect.arrayContaining([expect.objectContaining({ riskId: 'risk.2', status: 'mitigating', severity: 6 })]));

    // Renewal: the window opens on its own (a timer), the sponsor renews.
    const renewalTask = await eventually(
      async () => {
        const state = (await ok('viewer', 'GET', `/api/v1/partnerships/${id}/state`)).body;
        return state.stage === 'renewal' ? state.openTasks.find((t: { kind: string }) => t.kind === 'renewal_decision') : undefined;
      },
      60_000,
      'the renewal window',
    );
    expect(renewalTask.id).toMatch(/^renewal\./);
    a = await ok('exec', 'POST', `/api/v1/partnerships/${id}/renewal/decision`, { decision: 'renew', rationale: 'targets met', term: 'PT12H' });
    expect(a.body.state.stage).toBe('optimization');
    expect((await readAfter(`/api/v1/partnerships/${id}`, lastEvent(a))).body.stage).toBe('optimization');

    // Exit: notice (2 s), the wind-down checklist, then the partnership has exited.
    a = await ok('exec', 'POST', `/api/v1/partnerships/${id}/exit`, { reason: 'strategy changed', noticePeriod: 'PT2S' });
    expect(a.body.state.stage).toBe('exit');
    await completeChecklist();
    const exited = await eventually(
      async () => {
        const s = (await sys.call('GET', `/api/v1/partnerships/${id}/state`, { as: 'viewer' })).body;
        return s.stage === 'exited' ? s : undefined;
      },
      30_000,
      'the exit',
    );
    summary = (await readAfter(`/api/v1/partnerships/${id}`, `${id}/${exited.sequence}`)).body;
    expect(summary.stage).toBe('exited');
    const timeline = (await readAfter(`/api/v1/partnerships/${id}/timeline`, `${id}/${exited.sequence}`)).body;
    expect(timeline.entries).toHaveLength(exited.sequence);
    expect(timeline.entries.map((e: { sequence: number }) => e.sequence)).toEqual(Array.from({ length: exited.sequence }, (_, i) => i + 1));
    // Every operator event records the person and role that caused it.
    const registered = timeline.entries[0];
    expect(registered.actor).toEqual({ id: people.ops.id, role: 'ops' });
    expect(timeline.entries.find((e: { type: string }) => e.type === 'NoticeServed').actor).toEqual({ id: people.exec.id, role: 'exec' });
    const cycle = (await readAfter('/api/v1/reports/cycle-times', `${id}/${exited.sequence}`)).body;
    expect(cycle.alliance.screening.count).toBe(1);

    // A closed partnership takes no more commands, and its id is never reused.
    const late = await sys.call('POST', `/api/v1/partnerships/${id}/kpis`, { as: 'owner', body: { kpiId: 'revenue-generated', value: 1 } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('partnership_closed');
    const again = await sys.call('POST', '/api/v1/partnerships', {
      as: 'ops',
      body: { partnershipId: id, name: 'x', partner: 'y', kind: 'alliance', structure: 'contractual', owner: 'o', pmoLead: 'p', executiveSponsor: 'e' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_registered');
  });
});
