import { scheduledCommands, type Event, type State } from '../../../domain';
import { T0, accepted, at, command, exec, inOptimization, inStage, ops, refused, system, then } from './fixtures';

type Scenario = { events: Event[]; state: State };
// Compressed: the contract runs 8 hours from launch at T0 + 20 minutes; the renewal window opens 2 hours before it ends.
const START = at(T0, 'PT20M');
const END = at(START, 'PT8H');
const OPENS = at(START, 'PT6H');
const TASK = 'renewal.2027-01-04T172000Z';

const openWindow = (s: Scenario, now = OPENS) => then(s, command('OpenRenewalWindow', { termEnd: END }, system, now));
const inRenewal = (autoRenew = true) => openWindow(inOptimization({ autoRenew }));
const decideRenewal = (data: Record<string, unknown>, actor = exec, now = at(OPENS, 'PT10M')) =>
  command('DecideRenewal', { rationale: 'KPIs met', ...data } as never, actor, now);

describe('the renewal window', () => {
  it('is scheduled the lead time before the contract ends', () => {
    expect(scheduledCommands(inOptimization().state).find((c) => c.command.type === 'OpenRenewalWindow')).toMatchObject({
      at: OPENS,
      command: { data: { termEnd: END }, metadata: { actor: system } },
    });
  });

  it('opens a renewal decision for the executive sponsor', () => {
    const { events, state } = accepted(inOptimization().state, command('OpenRenewalWindow', { termEnd: END }, system, OPENS));
    expect(events).toEqual([
      expect.objectContaining({ type: 'RenewalWindowOpened', data: { termEnd: END, taskId: TASK } }),
      expect.objectContaining({
        type: 'TaskOpened',
        data: { task: expect.objectContaining({ id: TASK, kind: 'renewal_decision', owner: exec.id, dueAt: at(OPENS, 'PT1H') }) },
      }),
    ]);
    expect(inStage(state, 'renewal').renewal).toEqual({ termEnd: END, taskId: TASK, openedAt: OPENS });
  });

  it('keeps reviews running', () => {
    expect(scheduledCommands(inRenewal().state).filter((c) => c.command.type === 'OpenReview')).toHaveLength(3);
  });

  describe('refuses to open', () => {
    it('early', () => {
      expect(refused(inOptimization().state, command('OpenRenewalWindow', { termEnd: END }, system, START))).toMatchObject({
        code: 'not_due_yet',
        message: `the renewal window opens at ${OPENS}, not yet (now is ${START})`,
      });
    });

    it('twice, or for another term', () => {
      expect(refused(inRenewal().state, command('OpenRenewalWindow', { termEnd: END }, system, OPENS)).code).toBe('stale_command');
      expect(refused(inOptimization().state, command('OpenRenewalWindow', { termEnd: at(END, 'PT1H') }, system, at(END, 'PT1H'))).code).toBe('stale_command');
    });
  });
});

describe('the renewal decision', () => {
  it('renews for the contract’s renewal term, or the policy’s, starting where the old term ends', () => {
    const { events, state } = accepted(inRenewal().state, decideRenewal({ decision: 'renew' }));
    expect(events).toEqual([
      expect.objectContaining({ type: 'RenewalDecided', data: { taskId: TASK, decision: 'renew', rationale: 'KPIs met' } }),
      expect.objectContaining({
        type: 'ContractRenewed',
        data: { how: 'renewed', previousEnd: END, contract: { start: END, end: at(END, 'PT12H'), noticePeriod: 'PT2H', autoRenew: true } },
      }),
    ]);
    const o = inStage(state, 'optimization');
    expect(o.terms).toBe(2);
    expect(o.tasks[TASK]).toBeUndefined();
    expect(scheduledCommands(state).find((c) => c.command.type === 'OpenRenewalWindow')?.at).toBe(at(END, 'PT10H'));
  });

  it('renews for a term given with the decision', () => {
    const { events } = accepted(inRenewal().state, decideRenewal({ decision: 'renew', term: 'PT24H' }));
    expect(events[1]).toMatchObject({ data: { contract: { end: at(END, 'PT24H') } } });
  });

  it('renegotiates into a new contract', () => {
    const contract = { start: END, end: at(END, 'PT48H'), noticePeriod: 'PT4H', autoRenew: false };
    const { events, state } = accepted(inRenewal().state, decideRenewal({ decision: 'renegotiate', contract }));
    expect(events[1]).toMatchObject({ type: 'ContractRenewed', data: { how: 'renegotiated', contract } });
    expect(inStage(state, 'optimization').contract).toEqual(contract);
  });

  it('exits: serves notice, stops reviews and opens the wind-down', () => {
    const s = then(inRenewal(), command('OpenReview', { cadence: 'monthly', periodStart: START }, system, at(OPENS, 'PT1M')));
    const now = at(OPENS, 'PT10M');
    const { events, state } = accepted(s.state, decideRenewal({ decision: 'exit', rationale: 'strategy changed' }, exec, now));
    expect(events.map((e) => e.type)).toEqual([
      'RenewalDecided',
      'TaskCancelled',
      'NoticeServed',
      'TaskOpened',
      'TaskOpened',
      'TaskOpened',
      'TaskOpened',
      'TaskOpened',
    ]);
    expect(events[1]).toMatchObject({ data: { taskId: 'review.monthly.2027-01-04T092000Z' } });
    expect(events[2]).toMatchObject({ data: { reason: 'strategy changed', noticeEndsAt: at(now, 'PT2H') } });
    expect(inStage(state, 'exit').exit).toEqual({ reason: 'strategy changed', servedAt: now, noticeEndsAt: at(now, 'PT2H'), noticeEnded: false });
  });

  describe('refuses', () => {
    it('ops: renewal is strategic', () => {
      expect(refused(inRenewal().state, decideRenewal({ decision: 'renew' }, ops))).toMatchObject({
        code: 'forbidden',
        message: `${ops.id} (ops) may not decide the renewal: renewal is a strategic decision: ask the executive sponsor (exec)`,
      });
    });

    it('a decision before the window opens, saying when it does', () => {
      expect(refused(inOptimization().state, decideRenewal({ decision: 'renew' }, exec, at(START, 'PT1M')))).toMatchObject({
        code: 'wrong_stage',
        message: `a renewal decision is not possible: the partnership is in optimization; the renewal window opens at ${OPENS}; to end the partnership before then, serve notice`,
      });
    });

    it('a renegotiation without the new contract', () => {
      expect(refused(inRenewal().state, decideRenewal({ decision: 'renegotiate' })).message).toBe(
        'DecideRenewal is invalid: data.contract: a renegotiation records the new contract: give its start, end, notice period and auto-renew',
      );
    });

    it('a renegotiated contract that has already ended', () => {
      const contract = { start: START, end: at(START, 'PT1H') };
      expect(refused(inRenewal().state, decideRenewal({ decision: 'renegotiate', contract })).code).toBe('invalid_command');
    });

    it('CompleteTask on the renewal decision, pointing at DecideRenewal', () => {
      expect(refused(inRenewal().state, command('CompleteTask', { taskId: TASK }, exec, at(OPENS, 'PT1M'))).message).toMatch(/take it with DecideRenewal$/);
    });
  });
});

describe('auto-renew', () => {
  it('is scheduled at contract end when the contract renews itself and no decision was taken', () => {
    expect(scheduledCommands(inRenewal(true).state).find((c) => c.command.type === 'ApplyAutoRenew')).toMatchObject({
      at: END,
      command: { data: { termEnd: END } },
    });
  });

  it('renews for the policy term at contract end, closing the pending decision', () => {
    const { events, state } = accepted(inRenewal(true).state, command('ApplyAutoRenew', { termEnd: END }, system, END));
    expect(events).toEqual([
      expect.objectContaining({ type: 'TaskCancelled', data: { taskId: TASK, reason: 'the contract renewed automatically at the end of its term' } }),
      expect.objectContaining({
        type: 'ContractRenewed',
        data: expect.objectContaining({ how: 'auto_renewed', contract: expect.objectContaining({ start: END, end: at(END, 'PT12H') }) }),
      }),
    ]);
    expect(inStage(state, 'optimization').terms).toBe(2);
  });

  it('is not scheduled when the contract does not renew itself', () => {
    expect(scheduledCommands(inRenewal(false).state).some((c) => c.command.type === 'ApplyAutoRenew')).toBe(false);
    expect(refused(inRenewal(false).state, command('ApplyAutoRenew', { termEnd: END }, system, END))).toMatchObject({
      code: 'stale_command',
      message: `the contract ending ${END} does not renew automatically; the renewal decision is pending`,
    });
  });

  it('does not apply once a decision was taken', () => {
    const decided = then(inRenewal(true), decideRenewal({ decision: 'renew' }));
    expect(scheduledCommands(decided.state).some((c) => c.command.type === 'ApplyAutoRenew')).toBe(false);
    expect(refused(decided.state, command('ApplyAutoRenew', { termEnd: END }, system, END)).code).toBe('stale_command');
  });

  it('refuses before the term ends', () => {
    expect(refused(inRenewal(true).state, command('ApplyAutoRenew', { termEnd: END }, system, at(OPENS, 'PT1M'))).code).toBe('not_due_yet');
  });
});
