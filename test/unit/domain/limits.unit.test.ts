import { INPUT_LIMITS, PARTNERSHIP_CAPS, RECORDED_LIMITS, eventSchema, parsePolicy, type CommandInput, type Event, type State } from '../../../domain';
import {
  T0,
  accepted,
  at,
  command,
  compressedPolicy,
  contractFrom,
  exec,
  inDueDiligence,
  inLaunch,
  inOptimization,
  ops,
  owner,
  refused,
  registered,
  registration,
} from './fixtures';

const long = (n: number) => 'x'.repeat(n);
const NOW = at(T0, 'PT21M');

/** Applies the same command `n` times, each accepted. */
function repeated(state: State, n: number, cmd: (i: number) => CommandInput): State {
  let s = state;
  for (let i = 0; i < n; i += 1) s = accepted(s, cmd(i)).state;
  return s;
}

describe('size limits of commands', () => {
  it.each<[string, () => { state: State; cmd: CommandInput }, string, number]>([
    [
      'a partnership name',
      () => ({ state: registered().state, cmd: registration(T0, { partnershipId: 'other', name: long(INPUT_LIMITS.name + 1) }) }),
      'data.name',
      INPUT_LIMITS.name,
    ],
    [
      'a gate rationale',
      () => ({
        state: inDueDiligence().state,
        cmd: command('DecideGate', { gate: 'dd.preliminary', outcome: 'reject', rationale: long(INPUT_LIMITS.text + 1) }, ops, at(T0, 'PT3M')),
      }),
      'data.rationale',
      INPUT_LIMITS.text,
    ],
    [
      'a risk title',
      () => ({
        state: inOptimization().state,
        cmd: command('AddRisk', { title: long(INPUT_LIMITS.name + 1), category: 'financial', likelihood: 1, impact: 1, owner: owner.id }, ops, NOW),
      }),
      'data.title',
      INPUT_LIMITS.name,
    ],
    [
      'a mitigation action',
      () => ({
        state: inOptimization().state,
        cmd: command(
          'AddRisk',
          { title: 't', category: 'financial', likelihood: 1, impact: 1, owner: owner.id, mitigation: ['ok', long(INPUT_LIMITS.name + 1)] },
          ops,
          NOW,
        ),
      }),
      'data.mitigation[1]',
      INPUT_LIMITS.name,
    ],
    [
      'a finding detail',
      () => ({
        state: inDueDiligence().state,
        cmd: command(
          'RecordFinding',
          { title: 't', detail: long(INPUT_LIMITS.text + 1), category: 'financial', likelihood: 1, impact: 1 },
          ops,
          at(T0, 'PT3M'),
        ),
      }),
      'data.detail',
      INPUT_LIMITS.text,
    ],
    [
      'an issue description',
      () => ({
        state: inOptimization().state,
        cmd: command('RaiseIssue', { title: 't', severity: 'low', description: long(INPUT_LIMITS.text + 1) }, ops, NOW),
      }),
      'data.description',
      INPUT_LIMITS.text,
    ],
    [
      'a KPI note',
      () => ({ state: inOptimization().state, cmd: command('RecordKpi', { kpiId: 'joint-revenue', value: 1, note: long(INPUT_LIMITS.text + 1) }, ops, NOW) }),
      'data.note',
      INPUT_LIMITS.text,
    ],
    [
      'a person id',
      () => ({ state: inOptimization().state, cmd: command('AssignTask', { taskId: 'gate.launch', owner: long(INPUT_LIMITS.name + 1) }, ops, NOW) }),
      'data.owner',
      INPUT_LIMITS.name,
    ],
  ])('refuses %s over its limit, naming the field, and records nothing', (_what, given, field, max) => {
    const { state, cmd } = given();
    const error = refused(state, cmd);
    expect(error.code).toBe('invalid_command');
    expect(error.message).toContain(`${field}: at most ${max} characters`);
  });

  it('refuses more mitigation actions than a risk may have, naming the field', () => {
    const mitigation = Array.from({ length: INPUT_LIMITS.mitigationActions + 1 }, (_, i) => `action ${i}`);
    const error = refused(
      inOptimization().state,
      command('AddRisk', { title: 't', category: 'financial', likelihood: 1, impact: 1, owner: owner.id, mitigation }, ops, NOW),
    );
    expect(error.message).toContain(`data.mitigation: at most ${INPUT_LIMITS.mitigationActions} items`);
  });

  it('refuses more KPIs at launch than a partnership may hold, naming the field', () => {
    const kpis = Array.from({ length: PARTNERSHIP_CAPS.kpis + 1 }, (_, i) => ({ name: `KPI ${i}`, family: 'financial' as const, target: 1, id: `kpi-${i}` }));
    const t = at(T0, 'PT20M');
    const error = refused(
      inLaunch().state,
      command('DecideGate', { gate: 'launch', outcome: 'advance', rationale: 'ready', contract: contractFrom(t), kpis }, ops, t),
    );
    expect(error.message).toContain(`data.kpis: at most ${PARTNERSHIP_CAPS.kpis} items`);
  });

  it('refuses more attributes than a partnership may carry, naming the field', () => {
    const attributes = Object.fromEntries(Array.from({ length: INPUT_LIMITS.list + 1 }, (_, i) => [`a${i}`, i]));
    expect(refused(registered().state, registration(T0, { partnershipId: 'other', attributes })).message).toContain(
      `data.attributes: at most ${INPUT_LIMITS.list} entries`,
    );
  });

  it('accepts every field at its limit, and the events it records pass their schemas (composed titles included)', () => {
    const title = long(INPUT_LIMITS.name);
    const { events } = accepted(inOptimization().state, command('RaiseIssue', { title, severity: 'critical', description: long(INPUT_LIMITS.text) }, ops, NOW));
    expect(events.map((e) => e.type)).toEqual(['IssueRaised', 'TaskOpened']);
    const opened = events[1] as Extract<Event, { type: 'TaskOpened' }>;
    expect(opened.data.task.title.length).toBeGreaterThan(INPUT_LIMITS.name);
  });
});

describe('size limits of policies (registration carries one)', () => {
  it('refuses a checklist longer than its limit, naming the field', () => {
    const items = Array.from({ length: INPUT_LIMITS.checklistItems + 1 }, (_, i) => ({ id: `item-${i}`, title: `Item ${i}` }));
    const policy = { ...compressedPolicy, launch: { ...compressedPolicy.launch, items } };
    expect(parsePolicy(policy)).toEqual({ ok: false, message: `launch.items: at most ${INPUT_LIMITS.checklistItems} items` });
  });

  it('refuses a checklist item title over its limit, naming the field', () => {
    const policy = { ...compressedPolicy, launch: { ...compressedPolicy.launch, items: [{ id: 'item', title: long(INPUT_LIMITS.name + 1) }] } };
    expect(parsePolicy(policy)).toEqual({ ok: false, message: `launch.items[0].title: at most ${INPUT_LIMITS.name} characters` });
  });
});

describe('size limits of events', () => {
  it('refuses an event whose text is over the recorded limit, naming the field', () => {
    const { events } = accepted(inOptimization().state, command('RecordKpi', { kpiId: 'joint-revenue', value: 1 }, ops, NOW));
    const event = { ...events[0], data: { kpiId: 'joint-revenue', value: 1, note: long(RECORDED_LIMITS.text + 1) } };
    const parsed = eventSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['data', 'note']);
  });
});

describe('caps on what one partnership holds', () => {
  const addRisk = (i: number) => command('AddRisk', { title: `risk ${i}`, category: 'operational', likelihood: 2, impact: 2, owner: owner.id }, ops, NOW);

  it('refuses a risk beyond the register cap, naming what is full, and records nothing', () => {
    const full = repeated(inOptimization().state, PARTNERSHIP_CAPS.risks, addRisk);
    const error = refused(full, addRisk(PARTNERSHIP_CAPS.risks));
    expect(error).toMatchObject({ code: 'limit_reached', details: { limit: 'risks', cap: PARTNERSHIP_CAPS.risks, count: PARTNERSHIP_CAPS.risks } });
    expect(error.message).toContain(`${PARTNERSHIP_CAPS.risks} risks in its register`);
  });

  it('refuses a finding beyond the findings cap', () => {
    const finding = (i: number) => command('RecordFinding', { title: `finding ${i}`, category: 'financial', likelihood: 1, impact: 1 }, ops, at(T0, 'PT3M'));
    const full = repeated(inDueDiligence().state, PARTNERSHIP_CAPS.findings, finding);
    const error = refused(full, finding(PARTNERSHIP_CAPS.findings));
    expect(error).toMatchObject({ code: 'limit_reached', details: { limit: 'findings' } });
    expect(error.message).toContain('due-diligence findings');
  });

  it('refuses an issue beyond the open-issues cap, and accepts one again once an issue is resolved', () => {
    const raise = (i: number) => command('RaiseIssue', { title: `issue ${i}`, severity: 'low' }, ops, NOW);
    const full = repeated(inOptimization().state, PARTNERSHIP_CAPS.openIssues, raise);
    expect(refused(full, raise(0))).toMatchObject({ code: 'limit_reached', details: { limit: 'openIssues' } });

    const resolved = accepted(full, command('ResolveIssue', { issueId: 'issue.1', resolution: 'fixed' }, ops, NOW)).state;
    expect(accepted(resolved, raise(0)).events.map((e) => e.type)).toEqual(['IssueRaised', 'TaskOpened']);
  });

  it('exec can still decide with a full register: the caps refuse additions only', () => {
    const full = repeated(inOptimization().state, PARTNERSHIP_CAPS.risks, addRisk);
    expect(accepted(full, command('UpdateRisk', { riskId: 'risk.1', status: 'closed' }, exec, NOW)).events.map((e) => e.type)).toEqual(['RiskUpdated']);
  });
});
