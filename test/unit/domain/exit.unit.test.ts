import { scheduledCommands, type Event, type State } from '../../../domain';
import { T0, accepted, at, command, exec, inDueDiligence, inOptimization, inStage, legal, ops, owner, refused, system, then } from './fixtures';

type Scenario = { events: Event[]; state: State };
const SERVED = at(T0, 'PT1H');
const ENDS = at(SERVED, 'PT2H');
const WIND_DOWN = ['exit.data-returned-or-deleted', 'exit.asset-division', 'exit.customer-transition', 'exit.post-termination-support', 'exit.lessons-learned'];

const serve = (data: Record<string, unknown> = {}, actor = exec, now = SERVED) => command('ServeNotice', { reason: 'strategic shift', ...data }, actor, now);
const served = (): Scenario => then(inOptimization(), serve());
const completeWindDown = (s: Scenario, now: string, ids = WIND_DOWN): Scenario =>
  ids.reduce((acc, id) => then(acc, command('CompleteTask', { taskId: id }, id === 'exit.data-returned-or-deleted' ? legal : owner, now)), s);

describe('serving notice', () => {
  it('starts the contract notice period, stops open reviews and opens the wind-down checklist due at its end', () => {
    const s = then(inOptimization(), command('OpenReview', { cadence: 'monthly', periodStart: at(T0, 'PT20M') }, system, at(T0, 'PT50M')));
    const { events, state } = accepted(s.state, serve());
    expect(events.map((e) => e.type)).toEqual(['TaskCancelled', 'NoticeServed', ...WIND_DOWN.map(() => 'TaskOpened')]);
    expect(events[0]).toMatchObject({ data: { reason: 'notice was served: the partnership is winding down' } });
    expect(events[1]).toMatchObject({ data: { reason: 'strategic shift', noticeEndsAt: ENDS } });
    const opened = events.slice(2).map((e) => (e as Extract<Event, { type: 'TaskOpened' }>).data.task);
    expect(opened.map((t) => [t.id, t.legal, t.dueAt])).toEqual(WIND_DOWN.map((id) => [id, id === 'exit.data-returned-or-deleted', ENDS]));
    expect(inStage(state, 'exit').exit).toEqual({ reason: 'strategic shift', servedAt: SERVED, noticeEndsAt: ENDS, noticeEnded: false });
    expect(scheduledCommands(state).some((c) => c.command.type === 'OpenReview' || c.command.type === 'OpenRenewalWindow')).toBe(false);
  });

  it('may give its own notice period', () => {
    const { events } = accepted(inOptimization().state, serve({ noticePeriod: 'PT30M' }));
    expect(events[0]).toMatchObject({ type: 'NoticeServed', data: { noticeEndsAt: at(SERVED, 'PT30M') } });
  });

  describe('refuses', () => {
    it('ops: exit is strategic', () => {
      expect(refused(inOptimization().state, serve({}, ops)).code).toBe('forbidden');
    });

    it('before launch, pointing at the gate', () => {
      expect(refused(inDueDiligence().state, serve({}, exec, at(T0, 'PT3M')))).toMatchObject({
        code: 'wrong_stage',
        message:
          'serving notice is not possible: the partnership is in due_diligence (phase preliminary); notice ends a live partnership; before launch, reject it at its gate',
      });
    });

    it('a second notice', () => {
      expect(refused(served().state, serve({}, exec, at(SERVED, 'PT1M'))).message).toBe(
        `serving notice is not possible: the partnership is in exit; notice was already served at ${SERVED}; the notice period ends at ${ENDS}`,
      );
    });

    it('a notice without a reason', () => {
      expect(refused(inOptimization().state, serve({ reason: '' })).code).toBe('invalid_command');
    });
  });
});

describe('the end of the notice period', () => {
  it('is scheduled at the end of the notice period', () => {
    expect(scheduledCommands(served().state).find((c) => c.command.type === 'EndNoticePeriod')).toMatchObject({
      at: ENDS,
      command: { data: { noticeEndsAt: ENDS } },
    });
  });

  it('exits at once when the wind-down is complete, cancelling anything still open', () => {
    let s = completeWindDown(served(), at(SERVED, 'PT10M'));
    s = then(s, command('RaiseIssue', { title: 'invoice dispute', severity: 'low', dueAt: at(ENDS, 'PT1H') }, ops, at(SERVED, 'PT11M')));
    const { events, state } = accepted(s.state, command('EndNoticePeriod', { noticeEndsAt: ENDS }, system, ENDS));
    expect(events.map((e) => e.type)).toEqual(['NoticePeriodEnded', 'TaskCancelled', 'PartnershipExited']);
    expect(events[1]).toMatchObject({ data: { taskId: 'issue.1', reason: 'the partnership has exited' } });
    expect(inStage(state, 'exited')).toMatchObject({ exitedAt: ENDS, exit: { noticeEnded: true } });
  });

  it('waits for the wind-down when items are open, and exits with the last one', () => {
    let s = completeWindDown(served(), at(SERVED, 'PT10M'), WIND_DOWN.slice(1));
    s = then(s, command('EndNoticePeriod', { noticeEndsAt: ENDS }, system, ENDS));
    expect(s.events.at(-1)?.type).toBe('NoticePeriodEnded');
    expect(inStage(s.state, 'exit').exit.noticeEnded).toBe(true);
    expect(refused(s.state, command('CompleteTask', { taskId: WIND_DOWN[0]! }, owner, at(ENDS, 'PT1M'))).code).toBe('forbidden');
    const { events, state } = accepted(s.state, command('CompleteTask', { taskId: WIND_DOWN[0]! }, legal, at(ENDS, 'PT1M')));
    expect(events.map((e) => e.type)).toEqual(['TaskCompleted', 'PartnershipExited']);
    expect(state.stage).toBe('exited');
  });

  it('leaves an exited partnership refusing every command', () => {
    const s = then(completeWindDown(served(), at(SERVED, 'PT10M')), command('EndNoticePeriod', { noticeEndsAt: ENDS }, system, ENDS));
    expect(refused(s.state, command('RaiseIssue', { title: 'late invoice', severity: 'low' }, ops, at(ENDS, 'PT1M')))).toEqual({
      code: 'partnership_closed',
      message: `the partnership exited on ${ENDS}: its lifecycle has ended; register a new partnership to work with this partner again`,
      details: { stage: 'exited' },
    });
    expect(scheduledCommands(s.state)).toEqual([]);
  });

  it('does not exit when the last item is done before the notice period ends', () => {
    const s = completeWindDown(served(), at(SERVED, 'PT10M'));
    expect(s.state.stage).toBe('exit');
  });

  describe('refuses', () => {
    it('before its time', () => {
      expect(refused(served().state, command('EndNoticePeriod', { noticeEndsAt: ENDS }, system, SERVED)).code).toBe('not_due_yet');
    });

    it('twice, or for another notice', () => {
      const ended = then(served(), command('EndNoticePeriod', { noticeEndsAt: ENDS }, system, ENDS));
      expect(refused(ended.state, command('EndNoticePeriod', { noticeEndsAt: ENDS }, system, ENDS)).code).toBe('stale_command');
      expect(refused(served().state, command('EndNoticePeriod', { noticeEndsAt: at(ENDS, 'PT1M') }, system, at(ENDS, 'PT1M'))).code).toBe('stale_command');
    });
  });
});
