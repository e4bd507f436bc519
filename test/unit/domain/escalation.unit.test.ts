import { defaultPolicy, scheduledCommands, toMs, view, type Actor, type Event, type State } from '../../../domain';
import { T0, accepted, at, command, exec, inDueDiligence, inStage, ops, otherOwner, owner, refused, system, then, viewer } from './fixtures';

const item = 'dd.preliminary.financial-performance';
// Under the default policy: the phase starts at T0 + 2 minutes and lasts four weeks.
const DUE = '2027-02-01T09:02:00.000Z';

type Scenario = { events: Event[]; state: State };
const ddDefault = (): Scenario => inDueDiligence({ policy: defaultPolicy });

/** The ladder step scheduled for `taskId`, if any. */
function planned(state: State, taskId: string) {
  return scheduledCommands(state).find((c) => c.command.type === 'FireEscalationStep' && c.command.data.taskId === taskId);
}

/** Fires the step planned for `taskId` at its time (or at `now`, for a late worker). */
function fire(s: Scenario, taskId: string, now?: string): Scenario & { fired: Extract<Event, { type: 'EscalationStepFired' }> } {
  const next = planned(s.state, taskId);
  if (next === undefined) throw new Error(`nothing planned for ${taskId}`);
  const result = accepted(s.state, { ...next.command, metadata: { actor: system, now: now ?? next.at } });
  const fired = result.events[0];
  if (fired?.type !== 'EscalationStepFired') throw new Error(`expected EscalationStepFired, got ${fired?.type}`);
  return { events: [...s.events, ...result.events], state: result.state, fired };
}

const ack = (escalationId: string, actor: Actor, now: string) => command('AcknowledgeEscalation', { escalationId, note: 'on it' }, actor, now);

describe('the escalation ladder', () => {
  it('fires at the exact policy times: reminder 3 days before due, overdue at due, then PMO lead +1 day, sponsor +2 days, steering committee +3 days', () => {
    let s: Scenario = ddDefault();
    const fired: Array<[string, string, string, string, string | undefined]> = [];
    for (let i = 0; i < 5; i += 1) {
      const next = fire(s, item);
      const { data } = next.fired;
      fired.push([data.step, data.scheduledAt, data.addressee.role, data.addressee.id, data.respondBy]);
      s = next;
    }
    expect(fired).toEqual([
      ['reminder', '2027-01-29T09:02:00.000Z', 'owner', owner.id, undefined],
      ['overdue', DUE, 'owner', owner.id, '2027-02-02T09:02:00.000Z'],
      ['L1', '2027-02-02T09:02:00.000Z', 'pmo_lead', ops.id, '2027-02-04T09:02:00.000Z'],
      ['L2', '2027-02-04T09:02:00.000Z', 'executive_sponsor', exec.id, '2027-02-07T09:02:00.000Z'],
      ['L3', '2027-02-07T09:02:00.000Z', 'steering_committee', 'steering-committee', '2027-02-12T09:02:00.000Z'],
    ]);
    expect(planned(s.state, item)).toBeUndefined();
  });

  it('names the escalation by task and level and says why it fired', () => {
    const s = fire(fire(fire(ddDefault(), item), item), item);
    expect(s.fired).toMatchObject({
      type: 'EscalationStepFired',
      data: {
        escalationId: `${item}:L1`,
        round: 0,
        dueAt: DUE,
        reason: `Financial performance & stability (${item}) was due at ${DUE} and is not done; ${owner.id} (owner) did not resolve it within P1D`,
      },
      metadata: { actor: system },
    });
  });

  it('keeps policy time when the worker wakes late: the step records its planned time and the next one chains from it', () => {
    const late = '2027-01-30T12:00:00.000Z';
    const s = fire(ddDefault(), item, late);
    expect(s.fired).toMatchObject({ data: { step: 'reminder', scheduledAt: '2027-01-29T09:02:00.000Z' }, metadata: { occurredAt: late } });
    expect(planned(s.state, item)?.at).toBe(DUE);
  });

  it('goes to the current owner after a reassignment', () => {
    const s = then(ddDefault(), command('AssignTask', { taskId: item, owner: otherOwner.id }, ops, at(T0, 'PT5M')));
    expect(fire(s, item).fired).toMatchObject({ data: { step: 'reminder', addressee: { role: 'owner', id: otherOwner.id } } });
  });

  describe('acknowledging an escalation', () => {
    const toL1 = () => fire(fire(fire(ddDefault(), item), item), item);
    const ackAt = '2027-02-03T10:00:00.000Z';

    it('is recorded and re-arms that level’s response time from the acknowledgement', () => {
      const before = planned(toL1().state, item);
      expect(before?.at).toBe('2027-02-04T09:02:00.000Z');
      const { events, state } = accepted(toL1().state, ack(`${item}:L1`, ops, ackAt));
      expect(events).toEqual([
        expect.objectContaining({
          type: 'EscalationAcknowledged',
          data: { escalationId: `${item}:L1`, taskId: item, step: 'L1', respondBy: '2027-02-05T10:00:00.000Z', note: 'on it' },
          metadata: expect.objectContaining({ actor: ops, occurredAt: ackAt }),
        }),
      ]);
      expect(planned(state, item)).toMatchObject({ at: '2027-02-05T10:00:00.000Z', command: { data: { step: 'L2' } } });
    });

    it('makes the planned-before step stale', () => {
      const before = planned(toL1().state, item)!;
      const { state } = accepted(toL1().state, ack(`${item}:L1`, ops, ackAt));
      expect(refused(state, { ...before.command, metadata: { actor: system, now: before.at } })).toMatchObject({
        code: 'stale_command',
        message: `step L2 at 2027-02-04T09:02:00.000Z of task ${item} is stale: its ladder now expects L2 at 2027-02-05T10:00:00.000Z`,
      });
    });

    it('may be done by the addressee', () => {
      const s = fire(fire(ddDefault(), item), item);
      expect(accepted(s.state, ack(`${item}:overdue`, owner, '2027-02-01T12:00:00Z')).events[0]).toMatchObject({ type: 'EscalationAcknowledged' });
    });

    describe('refuses', () => {
      it('someone it did not go to who is not ops', () => {
        expect(refused(toL1().state, ack(`${item}:L1`, owner, ackAt))).toMatchObject({
          code: 'forbidden',
          message: `${owner.id} (owner) may not acknowledge this escalation (escalation ${item}:L1): only the person it went to or a partnership manager (ops) may acknowledge it`,
        });
        expect(refused(toL1().state, ack(`${item}:L1`, viewer, ackAt)).code).toBe('forbidden');
      });

      it('a second acknowledgement', () => {
        const s = then(toL1(), ack(`${item}:L1`, ops, ackAt));
        expect(refused(s.state, ack(`${item}:L1`, ops, '2027-02-03T11:00:00Z'))).toMatchObject({
          code: 'escalation_not_open',
          message: `escalation ${item}:L1 was already acknowledged at ${ackAt} by ${ops.id}`,
        });
      });

      it('a superseded level, pointing at the current one', () => {
        expect(refused(toL1().state, ack(`${item}:overdue`, owner, ackAt)).message).toBe(
          `escalation ${item}:overdue was superseded by ${item}:L1; acknowledge that one instead`,
        );
      });

      it('a reminder', () => {
        expect(refused(toL1().state, ack(`${item}:reminder`, owner, ackAt))).toMatchObject({
          code: 'unknown_escalation',
          message: `${item}:reminder is a reminder, not an escalation: reminders need no acknowledgement`,
        });
      });

      it('an escalation that has not fired', () => {
        expect(refused(toL1().state, ack(`${item}:L2`, exec, ackAt)).code).toBe('unknown_escalation');
        expect(refused(toL1().state, ack('no-such-task:L1', exec, ackAt)).code).toBe('unknown_escalation');
      });

      it('an escalation whose task is done', () => {
        const s = then(toL1(), command('CompleteTask', { taskId: item }, owner, ackAt));
        expect(refused(s.state, ack(`${item}:L1`, ops, ackAt))).toMatchObject({
          code: 'escalation_not_open',
          message: `escalation ${item}:L1 is closed: task ${item} is done`,
        });
      });
    });
  });

  it('ends when the task is completed, and the planned step is then refused as stale', () => {
    const s = fire(fire(ddDefault(), item), item);
    const next = planned(s.state, item)!;
    const done = then(s, command('CompleteTask', { taskId: item }, owner, '2027-02-01T10:00:00Z'));
    expect(planned(done.state, item)).toBeUndefined();
    expect(view(done.state)).toMatchObject({ openEscalationCount: 0 });
    expect(refused(done.state, { ...next.command, metadata: { actor: system, now: next.at } })).toEqual({
      code: 'stale_command',
      message: `nothing to fire: task ${item} is done, so its ladder has ended`,
      details: { taskId: item },
    });
  });

  it('is planned again from the new due date when the deadline moves, withdrawing fired escalations', () => {
    const s = fire(fire(ddDefault(), item), item);
    const stale = planned(s.state, item)!;
    const newDue = '2027-03-01T09:00:00.000Z';
    const moved = then(s, command('MoveDeadline', { taskId: item, dueAt: newDue, reason: 'auditor on leave' }, ops, '2027-02-01T10:00:00Z'));
    expect(planned(moved.state, item)).toMatchObject({ at: '2027-02-26T09:00:00.000Z', command: { data: { step: 'reminder' } } });
    expect(inStage(moved.state, 'due_diligence').tasks[item]?.ladder).toEqual({ since: '2027-02-01T10:00:00.000Z', round: 1, fired: [] });
    expect(refused(moved.state, { ...stale.command, metadata: { actor: system, now: stale.at } }).code).toBe('stale_command');
    expect(refused(moved.state, ack(`${item}:overdue`, owner, '2027-02-01T11:00:00Z')).code).toBe('unknown_escalation');
    const again = fire(fire(moved, item), item);
    expect(again.fired).toMatchObject({ data: { step: 'overdue', escalationId: `${item}:overdue`, round: 1, scheduledAt: newDue } });
  });

  it('reminds at once when the moved deadline is closer than the reminder lead', () => {
    const moved = then(
      ddDefault(),
      command('MoveDeadline', { taskId: item, dueAt: '2027-01-05T09:00:00Z', reason: 'board meets early' }, ops, '2027-01-04T10:00:00Z'),
    );
    expect(planned(moved.state, item)).toMatchObject({ at: '2027-01-04T10:00:00.000Z', command: { data: { step: 'reminder' } } });
  });

  describe('firing a step refuses', () => {
    it('before its time', () => {
      const next = planned(ddDefault().state, item)!;
      expect(refused(ddDefault().state, { ...next.command, metadata: { actor: system, now: at(T0, 'PT5M') } })).toMatchObject({
        code: 'not_due_yet',
        message: `step reminder of task ${item} is due at 2027-01-29T09:02:00.000Z, not yet (now is ${at(T0, 'PT5M')})`,
      });
    });

    it('a step that already fired', () => {
      const s = ddDefault();
      const next = planned(s.state, item)!;
      const once = fire(s, item);
      expect(refused(once.state, { ...next.command, metadata: { actor: system, now: next.at } }).code).toBe('stale_command');
    });

    it('a person, even ops', () => {
      const next = planned(ddDefault().state, item)!;
      expect(refused(ddDefault().state, { ...next.command, metadata: { actor: ops, now: next.at } })).toMatchObject({
        code: 'forbidden',
        message: `${ops.id} (ops) may not fire time-driven steps: the lifecycle fires these itself when their time comes`,
      });
    });
  });

  it('fires each step once when every scheduled command is applied twice: the second copy is refused as stale', () => {
    let { state } = ddDefault();
    const now = '2027-02-02T09:02:00.000Z';
    for (let round = 0; round < 3; round += 1) {
      const due = scheduledCommands(state).filter((c) => toMs(c.at) <= toMs(now));
      for (const c of due) state = accepted(state, { ...c.command, metadata: { actor: system, now } }).state;
      for (const c of due) expect(refused(state, { ...c.command, metadata: { actor: system, now } }).code).toBe('stale_command');
    }
    const fired = inStage(state, 'due_diligence').tasks[item]?.ladder.fired.map((f) => f.step);
    expect(fired).toEqual(['reminder', 'overdue', 'L1']);
  });
});
