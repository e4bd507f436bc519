import { T0, accepted, admin, at, command, exec, inDueDiligence, inStage, legal, ops, otherOwner, owner, refused, then, viewer } from './fixtures';

const t3 = at(T0, 'PT3M');
const item = 'dd.preliminary.financial-performance';

describe('assigning a task', () => {
  it('gives it to someone else (ops)', () => {
    const { events, state } = accepted(inDueDiligence().state, command('AssignTask', { taskId: item, owner: otherOwner.id }, ops, t3));
    expect(events).toEqual([expect.objectContaining({ type: 'TaskAssigned', data: { taskId: item, owner: otherOwner.id, previousOwner: owner.id } })]);
    expect(inStage(state, 'due_diligence').tasks[item]?.owner).toBe(otherOwner.id);
  });

  it('records nothing when the owner does not change', () => {
    expect(accepted(inDueDiligence().state, command('AssignTask', { taskId: item, owner: owner.id }, ops, t3)).events).toEqual([]);
  });

  describe('refuses', () => {
    it('anyone but ops', () => {
      expect(refused(inDueDiligence().state, command('AssignTask', { taskId: item, owner: otherOwner.id }, owner, t3))).toMatchObject({
        code: 'forbidden',
        message: `${owner.id} (owner) may not assign tasks (task ${item}): ask a partnership manager (ops)`,
      });
    });

    it('an unknown task, listing the open ones', () => {
      expect(refused(inDueDiligence().state, command('AssignTask', { taskId: 'dd.preliminary.nope', owner: owner.id }, ops, t3))).toMatchObject({
        code: 'unknown_task',
        message: expect.stringMatching(/^there is no task dd\.preliminary\.nope; open tasks: dd\.preliminary\.financial-performance, /),
      });
    });

    it('a task that is no longer open', () => {
      const s = then(inDueDiligence(), command('CompleteTask', { taskId: item }, owner, t3));
      expect(refused(s.state, command('AssignTask', { taskId: item, owner: otherOwner.id }, ops, t3))).toMatchObject({
        code: 'task_not_open',
        message: `task ${item} is not open: it was completed at ${t3}`,
      });
    });
  });
});

describe('completing a checklist item', () => {
  it('is done by its owner', () => {
    const { events, state } = accepted(inDueDiligence().state, command('CompleteTask', { taskId: item, note: 'audited accounts attached' }, owner, t3));
    expect(events).toEqual([expect.objectContaining({ type: 'TaskCompleted', data: { taskId: item, note: 'audited accounts attached' } })]);
    expect(inStage(state, 'due_diligence').tasks[item]).toMatchObject({ status: 'done', closedAt: t3 });
  });

  it('may be done by ops or an admin for the owner', () => {
    expect(accepted(inDueDiligence().state, command('CompleteTask', { taskId: item }, ops, t3)).events).toHaveLength(1);
    expect(accepted(inDueDiligence().state, command('CompleteTask', { taskId: item }, admin, t3)).events).toHaveLength(1);
  });

  it('may be done by its new owner after reassignment, and no longer by the old one', () => {
    const s = then(inDueDiligence(), command('AssignTask', { taskId: item, owner: otherOwner.id }, ops, t3));
    expect(refused(s.state, command('CompleteTask', { taskId: item }, owner, t3)).code).toBe('forbidden');
    expect(accepted(s.state, command('CompleteTask', { taskId: item }, otherOwner, t3)).events).toHaveLength(1);
  });

  describe('refuses', () => {
    it('someone who neither owns it nor is ops', () => {
      expect(refused(inDueDiligence().state, command('CompleteTask', { taskId: item }, otherOwner, t3))).toMatchObject({
        code: 'forbidden',
        message: `${otherOwner.id} (owner) may not complete this task (task ${item}): only its owner or a partnership manager (ops) may complete it`,
      });
      expect(refused(inDueDiligence().state, command('CompleteTask', { taskId: item }, viewer, t3)).code).toBe('forbidden');
    });

    it('a legal item completed by anyone but legal', () => {
      const s = inDueDiligence();
      const completeAll = ['public-information', 'financial-performance', 'technology-overview', 'strategic-fit'].reduce(
        (acc, id) => then(acc, command('CompleteTask', { taskId: `dd.preliminary.${id}` }, owner, t3)),
        s,
      );
      const detailed = then(completeAll, command('DecideGate', { gate: 'dd.preliminary', outcome: 'advance', rationale: 'ok' }, ops, t3));
      const legalItem = 'dd.detailed.legal-compliance';
      expect(refused(detailed.state, command('CompleteTask', { taskId: legalItem }, ops, t3)).code).toBe('forbidden');
      expect(refused(detailed.state, command('CompleteTask', { taskId: legalItem }, owner, t3)).code).toBe('forbidden');
      expect(accepted(detailed.state, command('CompleteTask', { taskId: legalItem }, legal, t3)).events).toHaveLength(1);
    });

    it('an unknown task', () => {
      expect(refused(inDueDiligence().state, command('CompleteTask', { taskId: 'dd.preliminary.nope' }, owner, t3)).code).toBe('unknown_task');
    });

    it('completing a task twice', () => {
      const s = then(inDueDiligence(), command('CompleteTask', { taskId: item }, owner, t3));
      expect(refused(s.state, command('CompleteTask', { taskId: item }, owner, at(T0, 'PT4M')))).toEqual({
        code: 'task_not_open',
        message: `task ${item} is not open: it was completed at ${t3}`,
        details: { taskId: item, status: 'done' },
      });
    });

    it('a gate through CompleteTask, pointing at DecideGate', () => {
      expect(refused(inDueDiligence().state, command('CompleteTask', { taskId: 'gate.dd.preliminary' }, ops, t3))).toMatchObject({
        code: 'invalid_command',
        message: 'task gate.dd.preliminary is not completed with CompleteTask: it is a gate: decide it with DecideGate',
      });
    });

    it('review results on a checklist item', () => {
      expect(refused(inDueDiligence().state, command('CompleteTask', { taskId: item, review: { kpiValues: {} } }, owner, t3)).message).toBe(
        `task ${item} is a checklist item: only reviews record KPI values and health ratings`,
      );
    });
  });
});

describe('moving a deadline', () => {
  const newDue = at(T0, 'PT1H');

  it('records the old and new due date and the reason (ops)', () => {
    const { events, state } = accepted(inDueDiligence().state, command('MoveDeadline', { taskId: item, dueAt: newDue, reason: 'auditor on leave' }, ops, t3));
    expect(events).toEqual([
      expect.objectContaining({ type: 'DeadlineMoved', data: { taskId: item, previousDueAt: at(T0, 'PT12M'), dueAt: newDue, reason: 'auditor on leave' } }),
    ]);
    expect(inStage(state, 'due_diligence').tasks[item]).toMatchObject({ dueAt: newDue, ladder: { since: t3, round: 1, fired: [] } });
  });

  describe('refuses', () => {
    it('anyone but ops', () => {
      expect(refused(inDueDiligence().state, command('MoveDeadline', { taskId: item, dueAt: newDue, reason: 'x' }, exec, t3)).code).toBe('forbidden');
    });

    it('a date that is not in the future', () => {
      expect(refused(inDueDiligence().state, command('MoveDeadline', { taskId: item, dueAt: t3, reason: 'x' }, ops, t3))).toMatchObject({
        code: 'invalid_deadline',
        message: `the new due date ${t3} is not after now (${t3}); pick a date in the future`,
      });
    });

    it('the date it is already due', () => {
      expect(refused(inDueDiligence().state, command('MoveDeadline', { taskId: item, dueAt: at(T0, 'PT12M'), reason: 'x' }, ops, t3)).code).toBe(
        'invalid_deadline',
      );
    });

    it('a move without a reason', () => {
      expect(refused(inDueDiligence().state, command('MoveDeadline', { taskId: item, dueAt: newDue, reason: '' }, ops, t3)).message).toBe(
        'MoveDeadline is invalid: data.reason: say why the deadline moves',
      );
    });

    it('a closed task', () => {
      const s = then(inDueDiligence(), command('CompleteTask', { taskId: item }, owner, t3));
      expect(refused(s.state, command('MoveDeadline', { taskId: item, dueAt: newDue, reason: 'x' }, ops, t3)).code).toBe('task_not_open');
    });
  });
});
