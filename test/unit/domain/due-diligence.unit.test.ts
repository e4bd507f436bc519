import type { Event } from '../../../domain';
import {
  T0,
  accepted,
  at,
  command,
  completeChecklist,
  exec,
  inDueDiligence,
  inLaunch,
  inStage,
  legal,
  ops,
  owner,
  refused,
  registered,
  then,
  viewer,
} from './fixtures';

const t3 = at(T0, 'PT3M');
const gate = (g: 'dd.preliminary' | 'dd.detailed' | 'dd.final' | 'launch', outcome: 'advance' | 'reject', actor = ops, now = t3) =>
  command('DecideGate', { gate: g, outcome, rationale: 'reviewed' }, actor, now);

const inDetailed = () => then(completeChecklist(inDueDiligence(), 'dd.preliminary', t3), gate('dd.preliminary', 'advance'));
const inFinal = () => then(completeChecklist(inDetailed(), 'dd.detailed', t3), gate('dd.detailed', 'advance'));

describe('due-diligence gates', () => {
  it('advance from preliminary to detailed once every item is done, opening the detailed checklist with its legal item', () => {
    const { events, state } = accepted(completeChecklist(inDueDiligence(), 'dd.preliminary', t3).state, gate('dd.preliminary', 'advance'));
    expect(events.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'GateDecided', data: expect.objectContaining({ gate: 'dd.preliminary', outcome: 'advance', composite: null }) }),
      expect.objectContaining({ type: 'DueDiligencePhaseStarted', data: { phase: 'detailed', endsAt: at(t3, 'PT20M') } }),
    ]);
    const tasks = events.filter((e): e is Extract<Event, { type: 'TaskOpened' }> => e.type === 'TaskOpened').map((e) => e.data.task);
    expect(tasks.map((t) => [t.id, t.legal])).toEqual([
      ['dd.detailed.management-and-culture', false],
      ['dd.detailed.technical-deep-dive', false],
      ['dd.detailed.customer-references', false],
      ['dd.detailed.legal-compliance', true],
      ['gate.dd.detailed', false],
    ]);
    const dd = inStage(state, 'due_diligence');
    expect(dd.phase).toBe('detailed');
    // The finished phase's items are pruned: state stays bounded.
    expect(Object.keys(dd.tasks).filter((id) => id.startsWith('dd.preliminary'))).toEqual([]);
  });

  it('advance from detailed to final', () => {
    expect(inStage(inFinal().state, 'due_diligence').phase).toBe('final');
  });

  it('advance from the final phase into launch (an executive decision)', () => {
    const { events, state } = accepted(completeChecklist(inFinal(), 'dd.final', t3).state, gate('dd.final', 'advance', exec));
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(['GateDecided', 'LaunchStarted']);
    expect(events[1]).toMatchObject({ data: { endsAt: at(t3, 'PT30M') } });
    expect(Object.keys(inStage(state, 'launch').tasks).sort()).toEqual([
      'gate.launch',
      'launch.communication-plan',
      'launch.kpi-definitions',
      'launch.legal-documents',
      'launch.team-and-roles',
      'launch.technical-integration',
    ]);
  });

  it('reject at any phase, cancelling the open items and ending the lifecycle', () => {
    const { events, state } = accepted(inDetailed().state, gate('dd.detailed', 'reject'));
    expect(events.map((e) => e.type)).toEqual(['GateDecided', 'TaskCancelled', 'TaskCancelled', 'TaskCancelled', 'TaskCancelled', 'PartnershipRejected']);
    expect(events[1]).toMatchObject({ data: { reason: 'the partnership was rejected at the dd.detailed gate' } });
    expect(inStage(state, 'rejected').rejected.gate).toBe('dd.detailed');
  });

  describe('refuse', () => {
    it('advancing while items are open, listing them', () => {
      let s = inDueDiligence();
      s = then(s, command('CompleteTask', { taskId: 'dd.preliminary.public-information' }, owner, t3));
      s = then(s, command('CompleteTask', { taskId: 'dd.preliminary.financial-performance' }, owner, t3));
      expect(refused(s.state, gate('dd.preliminary', 'advance'))).toMatchObject({
        code: 'gate_not_ready',
        message:
          'the dd.preliminary gate cannot advance: 2 checklist item(s) are still open (dd.preliminary.strategic-fit, dd.preliminary.technology-overview); complete them first, or reject at the gate',
      });
    });

    it('the final gate to ops: it is strategic', () => {
      expect(refused(completeChecklist(inFinal(), 'dd.final', t3).state, gate('dd.final', 'advance', ops)).code).toBe('forbidden');
    });

    it('an operational gate to an executive who is not ops', () => {
      expect(refused(inDetailed().state, gate('dd.detailed', 'reject', exec)).code).toBe('forbidden');
    });

    it('launch during detailed evaluation, saying which gates come first', () => {
      expect(refused(inDetailed().state, gate('launch', 'advance'))).toEqual({
        code: 'wrong_stage',
        message: 'launch is not possible: the partnership is in due_diligence (phase detailed); pass the dd.detailed gate and then the dd.final gate first',
        details: { stage: 'due_diligence' },
      });
    });

    it('a gate already passed', () => {
      expect(refused(inDetailed().state, gate('dd.preliminary', 'advance')).message).toBe(
        'the dd.preliminary gate is not possible: the partnership is in due_diligence (phase detailed); that gate was already passed',
      );
    });

    it('a due-diligence gate during screening', () => {
      expect(refused(registered().state, gate('dd.preliminary', 'advance', ops, at(T0, 'PT1M'))).message).toBe(
        'the dd.preliminary gate is not possible: the partnership is in screening; pass the screening gate first',
      );
    });

    it('any gate once all are passed', () => {
      expect(refused(completeChecklist(inLaunch(), 'launch', at(T0, 'PT11M')).state, gate('dd.final', 'advance', exec, at(T0, 'PT11M'))).message).toMatch(
        /that gate was already passed/,
      );
    });
  });
});

describe('findings', () => {
  const finding = (data: Record<string, unknown> = {}, actor = owner) =>
    command('RecordFinding', { title: 'Single data centre', category: 'technical', likelihood: 3, impact: 4, ...data } as never, actor, t3);

  it('enter the risk register with their rating, owned by the item’s owner', () => {
    const { events, state } = accepted(inDueDiligence().state, finding({ taskId: 'dd.preliminary.technology-overview', mitigation: ['ask for a DR plan'] }));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'FindingRecorded',
        data: expect.objectContaining({
          findingId: 'finding.1',
          taskId: 'dd.preliminary.technology-overview',
          risk: expect.objectContaining({
            id: 'risk.1',
            category: 'technical',
            likelihood: 3,
            impact: 4,
            owner: owner.id,
            mitigation: ['ask for a DR plan'],
            status: 'open',
            source: { kind: 'finding', findingId: 'finding.1', taskId: 'dd.preliminary.technology-overview' },
          }),
        }),
      }),
    ]);
    expect(Object.keys(inStage(state, 'due_diligence').risks)).toEqual(['risk.1']);
  });

  it('number findings and risks deterministically', () => {
    let s = inDueDiligence();
    s = then(s, finding({}, legal));
    s = then(s, command('AddRisk', { title: 'Key person', category: 'relationship', likelihood: 2, impact: 3, owner: ops.id }, ops, t3));
    const { events } = accepted(s.state, finding({ owner: legal.id }));
    expect(events[0]).toMatchObject({ data: { findingId: 'finding.2', risk: { id: 'risk.3', owner: legal.id } } });
  });

  describe('refuse', () => {
    it('a risk rating outside 1–5', () => {
      expect(refused(inDueDiligence().state, finding({ impact: 9 })).message).toBe('RecordFinding is invalid: data.impact: scores run from 1 to 5');
    });

    it('an unknown task', () => {
      expect(refused(inDueDiligence().state, finding({ taskId: 'dd.preliminary.nope' })).code).toBe('unknown_task');
    });

    it('a viewer', () => {
      expect(refused(inDueDiligence().state, finding({}, viewer)).code).toBe('forbidden');
    });

    it('a finding outside due diligence', () => {
      expect(refused(registered().state, finding())).toMatchObject({
        code: 'wrong_stage',
        message: 'recording a finding is not possible: the partnership is in screening; findings belong to due diligence: add a risk instead',
      });
    });
  });
});
