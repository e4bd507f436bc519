import { scoreScreening, type Actor, type Event } from '../../../domain';
import {
  T0,
  accepted,
  at,
  command,
  compressedPolicy,
  exec,
  flatScores,
  inDueDiligence,
  inStage,
  legal,
  ops,
  owner,
  refused,
  registered,
  then,
  viewer,
} from './fixtures';

const t1 = at(T0, 'PT1M');
const score = (evaluator: string, scores: Record<string, number>, actor: Actor = { id: evaluator, role: 'exec' }, now = t1) =>
  command('SubmitScreeningScore', { evaluator, scores }, actor, now);

describe('screening scores', () => {
  it('weights an evaluator’s scores into a composite and a recommendation', () => {
    const { events, state } = accepted(
      registered().state,
      score(exec.id, { 'strategic-fit': 5, 'market-impact': 4, 'technical-compatibility': 3, 'financial-value': 2, risk: 1 }),
    );
    // 0.30×5 + 0.25×4 + 0.20×3 + 0.15×2 + 0.10×1 = 3.5, which is the advance threshold.
    expect(events).toEqual([
      expect.objectContaining({
        type: 'ScreeningScoreSubmitted',
        data: expect.objectContaining({ evaluator: exec.id, composite: 3.5, recommendation: 'advance' }),
        metadata: expect.objectContaining({ sequence: 3, actor: { id: exec.id, role: 'exec' } }),
      }),
    ]);
    expect(inStage(state, 'screening').screening.composite).toBe(3.5);
  });

  it('averages several evaluators per criterion', () => {
    let s = registered();
    s = then(s, score(exec.id, flatScores(4)));
    const { events } = accepted(s.state, score(legal.id, flatScores(2), legal));
    const data = (events[0] as Extract<Event, { type: 'ScreeningScoreSubmitted' }>).data;
    expect(data.averages).toEqual(flatScores(3));
    expect(data.composite).toBe(3);
    expect(data.recommendation).toBe('decide_by_hand');
  });

  it('replaces an evaluator’s earlier scores with the new ones', () => {
    let s = registered();
    s = then(s, score(exec.id, flatScores(1)));
    s = then(s, score(exec.id, flatScores(5), undefined, at(T0, 'PT2M')));
    expect(inStage(s.state, 'screening').screening).toMatchObject({ composite: 5, recommendation: 'advance', scores: { [exec.id]: flatScores(5) } });
  });

  it('recommends rejection below the reject threshold and hand decision in between', () => {
    expect(scoreScreening({ a: flatScores(2) }, compressedPolicy).recommendation).toBe('reject');
    expect(scoreScreening({ a: flatScores(2.5) }, compressedPolicy)).toMatchObject({ composite: 2.5, recommendation: 'decide_by_hand' });
    expect(scoreScreening({ a: { ...flatScores(4), risk: 3 } }, compressedPolicy)).toMatchObject({ composite: 3.9, recommendation: 'advance' });
  });

  it('lets ops enter scores on an evaluator’s behalf', () => {
    expect(accepted(registered().state, score(exec.id, flatScores(3), ops)).events).toHaveLength(1);
  });

  describe('refuses', () => {
    it('a score above 5, naming the criterion', () => {
      expect(refused(registered().state, score(exec.id, { ...flatScores(3), risk: 6 }))).toEqual({
        code: 'invalid_command',
        message: 'SubmitScreeningScore is invalid: data.scores.risk: scores run from 1 to 5',
      });
    });

    it('a score below 1 or between whole numbers', () => {
      expect(refused(registered().state, score(exec.id, { ...flatScores(3), risk: 0 })).code).toBe('invalid_command');
      expect(refused(registered().state, score(exec.id, { ...flatScores(3), risk: 3.5 })).message).toMatch(/whole numbers/);
    });

    it('a sheet that leaves out a criterion or adds an unknown one', () => {
      const { risk: _risk, ...withoutRisk } = flatScores(3);
      expect(refused(registered().state, score(exec.id, { ...withoutRisk, charisma: 5 }))).toMatchObject({
        code: 'invalid_scores',
        message:
          'score every criterion exactly once (strategic-fit, market-impact, technical-compatibility, financial-value, risk): unknown criteria charisma; missing risk',
      });
    });

    it('scores entered for someone else by a non-ops evaluator', () => {
      expect(refused(registered().state, score(legal.id, flatScores(3), exec))).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('evaluators submit their own scores'),
      });
    });

    it('a viewer', () => {
      expect(refused(registered().state, score(viewer.id, flatScores(3), viewer)).code).toBe('forbidden');
    });

    it('scores after screening has ended', () => {
      expect(refused(inDueDiligence().state, score(exec.id, flatScores(3), exec, at(T0, 'PT3M')))).toEqual({
        code: 'wrong_stage',
        message: 'scoring is not possible: the partnership is in due_diligence (phase preliminary); screening ended when its gate was decided',
        details: { stage: 'due_diligence' },
      });
    });
  });
});

describe('the screening gate', () => {
  const scored = () => then(registered(), score(exec.id, flatScores(4)));
  const gate = (outcome: 'advance' | 'reject', actor = exec, rationale = 'strong fit') =>
    command('DecideGate', { gate: 'screening', outcome, rationale }, actor, at(T0, 'PT2M'));

  it('advances into preliminary due diligence, opening its checklist and gate', () => {
    const { events, state } = accepted(scored().state, gate('advance'));
    const phaseEnds = at(at(T0, 'PT2M'), 'PT10M');
    expect(events.map((e) => e.type)).toEqual([
      'GateDecided',
      'DueDiligencePhaseStarted',
      'TaskOpened',
      'TaskOpened',
      'TaskOpened',
      'TaskOpened',
      'TaskOpened',
    ]);
    expect(events[0]).toMatchObject({ data: { gate: 'screening', outcome: 'advance', rationale: 'strong fit', composite: 4, recommendation: 'advance' } });
    expect(events[1]).toMatchObject({ data: { phase: 'preliminary', endsAt: phaseEnds } });
    const opened = events.slice(2).map((e) => (e as Extract<Event, { type: 'TaskOpened' }>).data.task);
    expect(opened.map((t) => [t.id, t.owner, t.dueAt])).toEqual([
      ['dd.preliminary.public-information', owner.id, phaseEnds],
      ['dd.preliminary.financial-performance', owner.id, phaseEnds],
      ['dd.preliminary.technology-overview', owner.id, phaseEnds],
      ['dd.preliminary.strategic-fit', owner.id, phaseEnds],
      ['gate.dd.preliminary', ops.id, at(phaseEnds, 'PT5M')],
    ]);
    const dd = inStage(state, 'due_diligence');
    expect(dd.phase).toBe('preliminary');
    expect(dd.tasks['gate.screening']).toBeUndefined();
  });

  it('rejects, ending the lifecycle', () => {
    const { events, state } = accepted(scored().state, gate('reject', exec, 'no market overlap'));
    expect(events.map((e) => e.type)).toEqual(['GateDecided', 'PartnershipRejected']);
    expect(inStage(state, 'rejected').rejected).toMatchObject({ gate: 'screening', rationale: 'no market overlap', by: exec });
  });

  it('may reject before anyone has scored', () => {
    expect(accepted(registered().state, gate('reject')).state.stage).toBe('rejected');
  });

  describe('refuses', () => {
    it('advancing before anyone has scored', () => {
      expect(refused(registered().state, gate('advance'))).toEqual({
        code: 'gate_not_ready',
        message: 'the screening gate cannot advance without scores: at least one evaluator must score every criterion first',
      });
    });

    it('ops, because the screening gate is strategic', () => {
      expect(refused(scored().state, gate('advance', ops))).toMatchObject({
        code: 'forbidden',
        message: `${ops.id} (ops) may not decide a strategic gate (the screening gate): the screening and final due-diligence gates are strategic: ask the executive sponsor (exec)`,
      });
    });

    it('a decision without a rationale', () => {
      expect(refused(scored().state, gate('advance', exec, '  '))).toMatchObject({
        code: 'invalid_command',
        message: 'DecideGate is invalid: data.rationale: say why: the rationale is recorded with the decision',
      });
    });
  });
});
