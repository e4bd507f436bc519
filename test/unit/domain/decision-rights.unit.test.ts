import { authorize, DECISION_RIGHTS, decisionSchema, type Actor, type Decision } from '../../../domain';

const person = (role: Actor['role'], id = `${role}-person`): Actor => ({ id, role });

describe('decision rights', () => {
  it('lets admin take every decision', () => {
    for (const decision of decisionSchema.options) expect(authorize(decision, person('admin')).ok).toBe(true);
  });

  it('lets a viewer take no decision, even when named', () => {
    const v = person('viewer', 'vic');
    for (const decision of decisionSchema.options) {
      expect(authorize(decision, v, { taskOwner: 'vic', addressee: 'vic', evaluator: 'vic' }).ok).toBe(false);
    }
  });

  it('lets the system actor only fire time-driven steps', () => {
    for (const decision of decisionSchema.options) {
      expect(authorize(decision, person('system')).ok).toBe(decision === 'run_schedule');
    }
  });

  const table: Array<[Decision, Actor['role'], boolean]> = [
    ['decide_strategic_gate', 'exec', true],
    ['decide_strategic_gate', 'ops', false],
    ['decide_renewal', 'exec', true],
    ['decide_renewal', 'ops', false],
    ['serve_notice', 'exec', true],
    ['serve_notice', 'ops', false],
    ['decide_operational_gate', 'ops', true],
    ['decide_operational_gate', 'exec', false],
    ['assign_task', 'ops', true],
    ['assign_task', 'owner', false],
    ['move_deadline', 'ops', true],
    ['move_deadline', 'exec', false],
    ['register_partnership', 'ops', true],
    ['register_partnership', 'legal', false],
    ['complete_task', 'ops', true],
    ['complete_task', 'exec', false],
    ['complete_legal_task', 'legal', true],
    ['complete_legal_task', 'ops', false],
    ['record_finding', 'legal', true],
    ['manage_risks', 'owner', true],
    ['record_kpi', 'exec', true],
    ['raise_issue', 'owner', true],
    ['run_schedule', 'ops', false],
  ];
  it.each(table)('%s by %s → %s', (decision, role, allowed) => {
    expect(authorize(decision, person(role)).ok).toBe(allowed);
  });

  it('lets the owner of a task complete it, and nobody else without ops', () => {
    expect(authorize('complete_task', person('owner', 'olga'), { taskOwner: 'olga' }).ok).toBe(true);
    expect(authorize('complete_task', person('owner', 'omar'), { taskOwner: 'olga' }).ok).toBe(false);
    expect(authorize('complete_task', person('exec', 'olga'), { taskOwner: 'olga' }).ok).toBe(true);
  });

  it('keeps legal items to legal, even for the task owner', () => {
    expect(authorize('complete_legal_task', person('owner', 'olga'), { taskOwner: 'olga' }).ok).toBe(false);
  });

  it('lets the addressee of an escalation acknowledge it', () => {
    expect(authorize('acknowledge_escalation', person('exec', 'erin'), { addressee: 'erin' }).ok).toBe(true);
    expect(authorize('acknowledge_escalation', person('exec', 'erin'), { addressee: 'pat' }).ok).toBe(false);
  });

  it('lets evaluators submit their own scores, and ops enter them for others', () => {
    expect(authorize('submit_screening_score', person('exec', 'erin'), { evaluator: 'erin' }).ok).toBe(true);
    expect(authorize('submit_screening_score', person('exec', 'erin'), { evaluator: 'pat' }).ok).toBe(false);
    expect(authorize('submit_screening_score', person('ops', 'pat'), { evaluator: 'erin' }).ok).toBe(true);
  });

  it('refuses with a message that says who may decide', () => {
    const result = authorize('decide_strategic_gate', person('ops', 'pat'), { subject: 'the screening gate' });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'forbidden',
        message:
          'pat (ops) may not decide a strategic gate (the screening gate): the screening and final due-diligence gates are strategic: ask the executive sponsor (exec)',
      }),
    });
  });

  it('has one row per decision', () => {
    expect(Object.keys(DECISION_RIGHTS).sort()).toEqual([...decisionSchema.options].sort());
  });
});
