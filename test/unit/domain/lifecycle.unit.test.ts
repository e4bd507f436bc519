import { evolveAll, initialState, scheduledCommands, stateSchema, subtractDuration, view, type Event, type State } from '../../../domain';
import { KPIS, T0, at, command, completeChecklist, exec, flatScores, given, inStage, legal, ops, owner, registration, runClock, then } from './fixtures';

type Scenario = { events: Event[]; state: State };

const STAGE_EVENTS = new Set([
  'PartnershipRegistered',
  'DueDiligencePhaseStarted',
  'LaunchStarted',
  'OptimizationStarted',
  'RenewalWindowOpened',
  'ContractRenewed',
  'NoticeServed',
  'PartnershipExited',
]);

/**
 * A whole lifecycle under the compressed policy, driven only by `decide`/`evolve` and `scheduledCommands`: people act
 * at chosen moments, and between them the clock runs the way the workflow will run it.
 */
function wholeLifecycle(): Scenario & { stages: string[] } {
  let s: Scenario = given(registration(T0, { kind: 'technology' }));
  s = then(s, command('SubmitScreeningScore', { evaluator: exec.id, scores: flatScores(4) }, exec, at(T0, 'PT2M')));
  s = then(s, command('SubmitScreeningScore', { evaluator: legal.id, scores: { ...flatScores(3), risk: 5 } }, legal, at(T0, 'PT3M')));
  s = runClock(s, at(T0, 'PT12M'));
  s = then(s, command('DecideGate', { gate: 'screening', outcome: 'advance', rationale: 'composite above threshold' }, exec, at(T0, 'PT12M')));

  s = then(
    s,
    command(
      'RecordFinding',
      { taskId: 'dd.preliminary.financial-performance', title: 'Thin margins', category: 'financial', likelihood: 3, impact: 3 },
      owner,
      at(T0, 'PT15M'),
    ),
  );
  s = runClock(s, at(T0, 'PT25M'));
  s = completeChecklist(s, 'dd.preliminary', at(T0, 'PT25M'));
  s = then(s, command('DecideGate', { gate: 'dd.preliminary', outcome: 'advance', rationale: 'no blockers' }, ops, at(T0, 'PT25M')));
  s = completeChecklist(s, 'dd.detailed', at(T0, 'PT40M'));
  s = then(s, command('DecideGate', { gate: 'dd.detailed', outcome: 'advance', rationale: 'integration feasible' }, ops, at(T0, 'PT40M')));
  s = completeChecklist(s, 'dd.final', at(T0, 'PT50M'));
  s = then(s, command('DecideGate', { gate: 'dd.final', outcome: 'advance', rationale: 'terms agreed' }, exec, at(T0, 'PT50M')));

  const launchAt = at(T0, 'PT70M');
  s = runClock(s, launchAt);
  s = completeChecklist(s, 'launch', launchAt);
  const contract = { start: launchAt, end: at(launchAt, 'PT8H'), autoRenew: true };
  s = then(s, command('DecideGate', { gate: 'launch', outcome: 'advance', rationale: 'live', contract, kpis: KPIS }, ops, launchAt));

  // Optimization: the first monthly review is done on time, the later ones are left to the ladder.
  s = runClock(s, at(launchAt, 'PT31M'));
  const firstReview = Object.keys(inStage(s.state, 'optimization').tasks).find((id) => id.startsWith('review.monthly.'));
  if (firstReview === undefined) throw new Error('the first monthly review did not open');
  s = then(
    s,
    command(
      'CompleteTask',
      { taskId: firstReview, review: { kpiValues: { 'joint-revenue': 50_000 }, healthRatings: { trust_index: 4 } } },
      ops,
      at(launchAt, 'PT32M'),
    ),
  );
  s = then(s, command('RaiseIssue', { title: 'Webhook retries', severity: 'medium' }, owner, at(launchAt, 'PT33M')));
  s = then(s, command('ResolveIssue', { issueId: 'issue.1', resolution: 'backoff fixed' }, ops, at(launchAt, 'PT40M')));

  // First term (8 hours): renewed by decision in the renewal window, which opens 2 hours before the end.
  const end1 = contract.end;
  const window1 = subtractDuration(end1, 'PT2H');
  s = runClock(s, at(window1, 'PT5M'));
  s = then(s, command('DecideRenewal', { decision: 'renew', rationale: 'targets met' }, exec, at(window1, 'PT5M')));

  // Second term (12 hours by policy): nobody decides; the contract renews itself at its end.
  const end2 = at(end1, 'PT12H');
  s = runClock(s, end2);

  // Third term: exit decided in the window, wind-down worked, notice period (2 hours) runs out.
  const window3 = subtractDuration(at(end2, 'PT12H'), 'PT2H');
  s = runClock(s, at(window3, 'PT5M'));
  s = then(s, command('DecideRenewal', { decision: 'exit', rationale: 'market moved' }, exec, at(window3, 'PT5M')));
  s = completeChecklist(s, 'exit', at(window3, 'PT30M'));
  s = runClock(s, at(window3, 'PT3H'));

  const stages = s.events.filter((e) => STAGE_EVENTS.has(e.type)).map((e) => (e.type === 'ContractRenewed' ? `${e.type}:${e.data.how}` : e.type));
  return { ...s, stages };
}

describe('a whole lifecycle', () => {
  const run = wholeLifecycle();

  it('walks every stage: screening, three due-diligence phases, launch, optimization, renewal twice, exit', () => {
    expect(run.stages).toEqual([
      'PartnershipRegistered',
      'DueDiligencePhaseStarted',
      'DueDiligencePhaseStarted',
      'DueDiligencePhaseStarted',
      'LaunchStarted',
      'OptimizationStarted',
      'RenewalWindowOpened',
      'ContractRenewed:renewed',
      'RenewalWindowOpened',
      'ContractRenewed:auto_renewed',
      'RenewalWindowOpened',
      'NoticeServed',
      'PartnershipExited',
    ]);
    const exited = inStage(run.state, 'exited');
    expect(exited.terms).toBe(3);
    expect(exited.policy.version).toBe('compressed@1');
    expect(Object.keys(exited.risks)).toEqual(['risk.1']);
  });

  it('numbers its events 1, 2, 3… without gaps', () => {
    expect(run.events.map((e) => e.metadata.sequence)).toEqual(run.events.map((_, i) => i + 1));
    expect(run.state.sequence).toBe(run.events.length);
  });

  it('lets the clock open reviews and climb ladders along the way, each step once', () => {
    const types = new Set(run.events.map((e) => e.type));
    for (const t of [
      'EscalationStepFired',
      'ReviewCompleted',
      'IssueRaised',
      'IssueResolved',
      'FindingRecorded',
      'TaskCancelled',
      'NoticePeriodEnded',
    ] as const) {
      expect(types.has(t)).toBe(true);
    }
    const fired = run.events.filter((e): e is Extract<Event, { type: 'EscalationStepFired' }> => e.type === 'EscalationStepFired');
    const ids = fired.map((e) => `${e.data.escalationId}#${e.data.round}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ends with nothing scheduled', () => {
    expect(scheduledCommands(run.state)).toEqual([]);
  });

  it('is a pure fold: the same events from the initial state give the same state', () => {
    expect(evolveAll(initialState, run.events)).toEqual(run.state);
  });

  it('survives JSON (continue-as-new) and its own schema unchanged, at any point', () => {
    const mid = evolveAll(initialState, run.events.slice(0, Math.floor(run.events.length / 2)));
    for (const state of [run.state, mid]) {
      expect(stateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
    }
  });

  it('keeps state bounded: closed tasks are dropped when the stage or term changes', () => {
    expect(Object.keys(inStage(run.state, 'exited').tasks).length).toBeLessThan(20);
  });
});

describe('the partnership view', () => {
  it('shows stage, open tasks by due date, open escalations and when the lifecycle next wakes', () => {
    let s: Scenario = given(registration());
    s = then(s, command('SubmitScreeningScore', { evaluator: exec.id, scores: flatScores(4) }, exec, at(T0, 'PT1M')));
    s = then(s, command('RaiseIssue', { title: 'NDA unsigned', severity: 'critical' }, owner, at(T0, 'PT2M')));
    s = runClock(s, at(T0, 'PT9M'));
    const v = view(s.state);
    if (v.stage === 'unregistered') throw new Error('registered expected');
    expect(v).toMatchObject({
      partnershipId: 'acme-cloud',
      stage: 'screening',
      phase: null,
      policyVersion: 'compressed@1',
      sequence: s.events.length,
      screening: { composite: 4, recommendation: 'advance' },
    });
    expect(v.openTasks.map((t) => [t.id, t.dueAt, t.lastStep])).toEqual([
      ['issue.1', at(T0, 'PT7M'), 'L1'],
      ['gate.screening', at(T0, 'PT15M'), null],
    ]);
    expect(v.openEscalations).toEqual([
      { id: 'issue.1:L1', taskId: 'issue.1', level: 'L1', addressee: { role: 'pmo_lead', id: ops.id }, at: at(T0, 'PT8M'), acknowledgedAt: null },
    ]);
    expect(v.openEscalationCount).toBe(1);
    expect(v.nextDeadline).toBe(at(T0, 'PT7M'));
    expect(v.nextWakeAt).toBe(at(T0, 'PT10M'));
  });

  it('shows an unregistered partnership as such', () => {
    expect(view(initialState)).toEqual({ stage: 'unregistered', sequence: 0 });
  });
});
