import { decide, initialState, scheduledCommands } from '../../../domain';
import { T0, accepted, admin, at, command, exec, flatScores, given, inOptimization, inStage, ops, refused, registration, then } from './fixtures';

const rejected = () => then(given(registration()), command('DecideGate', { gate: 'screening', outcome: 'reject', rationale: 'no fit' }, exec, at(T0, 'PT1M')));

describe('a partnership whose lifecycle has ended', () => {
  it('refuses every command once rejected, saying how to start over', () => {
    const { state } = rejected();
    for (const cmd of [
      command('SubmitScreeningScore', { evaluator: exec.id, scores: flatScores(5) }, exec, at(T0, 'PT2M')),
      command('RaiseIssue', { title: 'x', severity: 'low' }, admin, at(T0, 'PT2M')),
      command('OpenReview', { cadence: 'monthly', periodStart: T0 }, { id: 'partnerflow', role: 'system' }, at(T0, 'PT2M')),
    ]) {
      expect(refused(state, cmd)).toEqual({
        code: 'partnership_closed',
        message: `the partnership was rejected at the screening gate on ${at(T0, 'PT1M')}: its lifecycle has ended; register a new partnership to consider this partner again`,
        details: { stage: 'rejected' },
      });
    }
  });

  it('keeps no open tasks and schedules nothing', () => {
    const { state } = rejected();
    expect(Object.values(inStage(state, 'rejected').tasks).filter((t) => t.status === 'open')).toEqual([]);
    expect(scheduledCommands(state)).toEqual([]);
  });
});

describe('the time-driven commands', () => {
  it('are refused to people, even ops: only the lifecycle fires them', () => {
    const { state } = inOptimization();
    const later = at(T0, 'PT9H');
    for (const cmd of [
      command('OpenReview', { cadence: 'monthly', periodStart: at(T0, 'PT20M') }, ops, later),
      command('OpenRenewalWindow', { termEnd: at(T0, 'PT8H20M') }, ops, later),
      command('ApplyAutoRenew', { termEnd: at(T0, 'PT8H20M') }, exec, later),
      command('EndNoticePeriod', { noticeEndsAt: later }, ops, later),
    ]) {
      expect(refused(state, cmd)).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/may not fire time-driven steps/) });
    }
  });
});

describe('every command', () => {
  it('is refused when its time is before the partnership last changed', () => {
    const { state } = given(registration(at(T0, 'PT10M')));
    expect(refused(state, command('RaiseIssue', { title: 'x', severity: 'low' }, ops, T0))).toEqual({
      code: 'invalid_time',
      message: `RaiseIssue is dated ${T0}, before the partnership last changed (${at(T0, 'PT10M')}); send commands in time order`,
    });
  });

  it('takes time only as an ISO-8601 UTC instant', () => {
    expect(refused(initialState, registration('2027-01-04T10:00:00+01:00')).message).toMatch(/metadata\.now: expected an ISO-8601 UTC time/);
    expect(refused(initialState, registration('yesterday')).code).toBe('invalid_command');
  });

  it('normalises equal instants to one spelling', () => {
    const { events } = accepted(initialState, registration('2027-01-04T09:00:00Z'));
    expect(events[0]?.metadata.occurredAt).toBe('2027-01-04T09:00:00.000Z');
  });

  it('is refused when it names no actor, or an unknown role', () => {
    expect(refused(initialState, { ...registration(), metadata: { actor: { id: '', role: 'ops' }, now: T0 } }).message).toMatch(
      /metadata\.actor\.id: name who is acting/,
    );
    expect(refused(initialState, { ...registration(), metadata: { actor: { id: 'x', role: 'boss' as never }, now: T0 } }).message).toMatch(
      /metadata\.actor\.role/,
    );
  });

  it('is refused when its type is unknown', () => {
    const result = decide({ type: 'LaunchRocket', data: {}, metadata: { actor: ops, now: T0 } } as never, initialState);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_command', message: expect.stringMatching(/^LaunchRocket is invalid: type: /) } });
  });

  it('is refused when it is not an object at all', () => {
    expect(decide(null as never, initialState)).toMatchObject({
      ok: false,
      error: { code: 'invalid_command', message: expect.stringMatching(/^the command is invalid/) },
    });
  });
});
