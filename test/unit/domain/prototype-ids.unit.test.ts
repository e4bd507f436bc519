import { commandSchema, evolve, type Event, type State } from '../../../domain';
import { KPIS, T0, accepted, at, command, inDueDiligence, inOptimization, ops, owner, refused } from './fixtures';

// Ids that name a property every plain object inherits: looked up in a plain object, they find `Object` or
// `Object.prototype` instead of nothing.
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const NOW = at(T0, 'PT21M');

/** A state in optimization with the fixtures' two KPIs and one risk (`risk.1`). */
function optimizationWithRisk(): State {
  return accepted(
    inOptimization().state,
    command('AddRisk', { title: 'Key engineer leaves', category: 'operational', likelihood: 2, impact: 3, owner: owner.id }, ops, NOW),
  ).state;
}

/** An event as the lifecycle would stamp it, built without its schema: what a bypassed or older producer could write. */
function unchecked(state: State, type: string, data: Record<string, unknown>): Event {
  return { type, version: 1, data, metadata: { partnershipId: 'acme-cloud', sequence: state.sequence + 1, occurredAt: NOW, actor: ops } } as unknown as Event;
}

const registeredOf = (s: State) => {
  if (s.stage === 'unregistered') throw new Error('not registered');
  return s;
};

describe('ids named after Object.prototype properties', () => {
  describe('the command schemas', () => {
    const cases: Array<[string, (id: string) => unknown, string]> = [
      ['RecordKpi', (id) => ({ kpiId: id, value: 1 }), 'data.kpiId'],
      ['UpdateRisk', (id) => ({ riskId: id, status: 'closed' }), 'data.riskId'],
      ['CompleteTask', (id) => ({ taskId: id }), 'data.taskId'],
      ['AssignTask', (id) => ({ taskId: id, owner: 'someone' }), 'data.taskId'],
      ['ResolveIssue', (id) => ({ issueId: id, resolution: 'fixed' }), 'data.issueId'],
      ['RecordFinding', (id) => ({ taskId: id, title: 't', category: 'financial', likelihood: 1, impact: 1 }), 'data.taskId'],
    ];
    it.each(cases.flatMap(([type, data, field]) => ['__proto__', 'toString', 'hasOwnProperty'].map((id) => [type, id, data, field] as const)))(
      '%s refuses the id %s, naming the field',
      (type, id, data, field) => {
        const parsed = commandSchema.safeParse({ type, data: data(id), metadata: { actor: ops, now: NOW } });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(field);
      },
    );

    const review = (json: string) =>
      commandSchema.safeParse({
        type: 'CompleteTask',
        data: { taskId: 'review.monthly.2027-01', review: { kpiValues: JSON.parse(json) as unknown } },
        metadata: { actor: ops, now: NOW },
      });

    it('refuses review KPI values keyed by toString or hasOwnProperty, naming the key', () => {
      for (const key of ['toString', 'hasOwnProperty', 'valueOf']) {
        const parsed = review(`{"${key}": 1}`);
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.path).toEqual(['data', 'review', 'kpiValues', key]);
      }
    });

    it('drops a review KPI value keyed by __proto__ (zod never copies that key), so nothing reaches the decider', () => {
      const parsed = review('{"__proto__": {"polluted": 1}, "joint-revenue": 2}');
      const values = parsed.success && parsed.data.type === 'CompleteTask' ? parsed.data.data.review?.kpiValues : undefined;
      expect(values).toEqual({ 'joint-revenue': 2 });
      expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    });

    it('refuses screening scores keyed by a prototype name', () => {
      const scores = JSON.parse('{"__proto__": 3, "toString": 4}') as Record<string, number>;
      expect(
        commandSchema.safeParse({ type: 'SubmitScreeningScore', data: { evaluator: 'erin.sponsor', scores }, metadata: { actor: ops, now: NOW } }).success,
      ).toBe(false);
    });
  });

  describe('the decider, for ids the schema lets through', () => {
    it('refuses a KPI value for "constructor" as an unknown KPI', () => {
      const error = refused(inOptimization().state, command('RecordKpi', { kpiId: 'constructor', value: 1 }, ops, NOW));
      expect(error.code).toBe('unknown_kpi');
      expect(error.message).toContain('joint-revenue, integration-uptime');
    });

    it('refuses an update of risk "constructor" as an unknown risk', () => {
      expect(refused(optimizationWithRisk(), command('UpdateRisk', { riskId: 'constructor', status: 'closed' }, ops, NOW)).code).toBe('unknown_risk');
    });

    it.each(['AssignTask', 'MoveDeadline', 'CompleteTask'] as const)('%s of task "constructor" is refused as an unknown task', (type) => {
      const data = {
        AssignTask: { taskId: 'constructor', owner: 'someone' },
        MoveDeadline: { taskId: 'constructor', dueAt: at(T0, 'P1D'), reason: 'later' },
        CompleteTask: { taskId: 'constructor' },
      }[type];
      expect(refused(inOptimization().state, command(type, data as never, ops, NOW)).code).toBe('unknown_task');
    });

    it('refuses a finding attached to task "constructor"', () => {
      const error = refused(
        inDueDiligence().state,
        command('RecordFinding', { taskId: 'constructor', title: 'x', category: 'financial', likelihood: 1, impact: 1 }, ops, at(T0, 'PT3M')),
      );
      expect(error.code).toBe('unknown_task');
    });

    it('refuses acknowledging escalation "constructor:L1" as unknown instead of failing', () => {
      expect(refused(inOptimization().state, command('AcknowledgeEscalation', { escalationId: 'constructor:L1' }, ops, NOW)).code).toBe('unknown_escalation');
    });
  });

  describe('evolve, with the schema bypassed', () => {
    it.each(PROTOTYPE_NAMES)('a KPI value for %s changes no KPI and adds no entry', (id) => {
      const state = registeredOf(inOptimization().state);
      const after = registeredOf(evolve(state, unchecked(state, 'KpiRecorded', { kpiId: id, value: 5 })));
      expect(Object.keys(after.kpis)).toEqual(KPIS.map((k) => k.id));
      expect(Object.getPrototypeOf(after.kpis)).toBe(Object.getPrototypeOf(state.kpis));
    });

    it.each(PROTOTYPE_NAMES)('a risk update of %s changes no risk and adds no entry', (id) => {
      const state = registeredOf(optimizationWithRisk());
      const after = registeredOf(evolve(state, unchecked(state, 'RiskUpdated', { riskId: id, changes: { status: 'closed' } })));
      expect(after.risks).toEqual(state.risks);
      expect(Object.keys(after.risks)).toEqual(['risk.1']);
    });

    it.each(PROTOTYPE_NAMES)('closing or moving task %s changes no task and adds no entry', (id) => {
      const state = registeredOf(inOptimization().state);
      const ids = Object.keys(state.tasks);
      for (const event of [
        unchecked(state, 'TaskCompleted', { taskId: id }),
        unchecked(state, 'TaskAssigned', { taskId: id, owner: 'x', previousOwner: 'y' }),
        unchecked(state, 'DeadlineMoved', { taskId: id, previousDueAt: NOW, dueAt: NOW, reason: 'r' }),
        unchecked(state, 'EscalationStepFired', {
          taskId: id,
          step: 'L1',
          escalationId: `${id}:L1`,
          round: 0,
          scheduledAt: NOW,
          dueAt: NOW,
          addressee: { role: 'owner', id: 'x' },
          reason: 'r',
        }),
      ]) {
        const after = registeredOf(evolve(state, event));
        expect(Object.keys(after.tasks)).toEqual(ids);
        expect(Object.getPrototypeOf(after.tasks)).toBe(Object.prototype);
      }
    });

    it('review values keyed by prototype names (as JSON would carry them) change no KPI and leave the record plain', () => {
      const state = registeredOf(inOptimization().state);
      const kpiValues = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 2, "toString": 3, "joint-revenue": 7}') as Record<string, number>;
      const after = registeredOf(
        evolve(state, unchecked(state, 'ReviewCompleted', { taskId: 'none', cadence: 'monthly', periodStart: NOW, kpiValues, healthRatings: {} })),
      );
      expect(Object.keys(after.kpis)).toEqual(KPIS.map((k) => k.id));
      expect(Object.getPrototypeOf(after.kpis)).toBe(Object.prototype);
      expect(after.kpis['joint-revenue']?.latest?.value).toBe(7);
    });
  });
});
