import { workBoardProjection } from '../../../projections/work-board/read-model';
import { inboxProjection } from '../../../projections/inbox/read-model';
import { replay } from './support/memory-model';
import { fired, story, task } from './support/story';

const base = () =>
  story('p-1')
    .add('PartnershipRegistered')
    .add('TaskOpened', task('a', '2025-01-10T00:00:00.000Z'))
    .add('TaskOpened', task('b', '2025-01-08T00:00:00.000Z'))
    .add('EscalationStepFired', fired('a', 'reminder', { role: 'owner', id: 'olga.owner' }, '2025-01-09T00:00:00.000Z'))
    .add('EscalationStepFired', fired('b', 'L1', { role: 'pmo_lead', id: 'pat.pmo' }, '2025-01-08T00:00:00.000Z'));

describe('work-board read model', () => {
  test('given open tasks and an escalation, then tasks are ranked by due date and the escalation (not the reminder) is on the board', () => {
    const model = replay(workBoardProjection, base().events);

    expect(model.zset('tasks:by-due').map(([m]) => m)).toEqual(['p-1/b', 'p-1/a']);
    expect(model.zset('escalations:by-fired').map(([m]) => m)).toEqual(['p-1/b:0:L1']);
  });

  test('when the escalated task completes, then its task and escalation leave the board', () => {
    const model = replay(workBoardProjection, base().add('TaskCompleted', { taskId: 'b' }).events);

    expect(model.zset('tasks:by-due').map(([m]) => m)).toEqual(['p-1/a']);
    expect(model.zset('escalations:by-fired')).toEqual([]);
    // Emptied, so gone (as in Redis).
    expect(model.snapshot().index).not.toHaveProperty('escalations');
  });

  test('given tasks of one owner, when one is reassigned and another moved, then each owner’s sorted set follows', () => {
    const events = base()
      .add('TaskAssigned', { taskId: 'a', owner: 'pat.pmo', previousOwner: 'olga.owner' })
      .add('TaskOpened', task('c', '2025-01-05T00:00:00.000Z'))
      .add('DeadlineMoved', { taskId: 'b', previousDueAt: '2025-01-08T00:00:00.000Z', dueAt: '2025-01-02T00:00:00.000Z', reason: 'customer asked' }).events;
    const model = replay(workBoardProjection, events);

    expect(model.zset('tasks:by-due:owner:olga.owner')).toEqual([
      ['p-1/b', Date.parse('2025-01-02T00:00:00.000Z')],
      ['p-1/c', Date.parse('2025-01-05T00:00:00.000Z')],
    ]);
    expect(model.zset('tasks:by-due:owner:pat.pmo').map(([m]) => m)).toEqual(['p-1/a']);
    // The owner sets rank the same members as the portfolio-wide one.
    expect(model.zset('tasks:by-due').map(([m]) => m)).toEqual(['p-1/b', 'p-1/c', 'p-1/a']);
  });

  test('escalations are counted by level and addressee, one per task as the lifecycle counts them; reminders are not escalations', () => {
    const fired2 = base().add('EscalationStepFired', fired('a', 'L2', { role: 'executive_sponsor', id: 'sam.sponsor' }, '2025-01-11T00:00:00.000Z'));
    const counts = (events: typeof fired2.events) =>
      Object.fromEntries((replay(workBoardProjection, events).snapshot().index as Record<string, Array<[string, string]>>)['escalations:counts'] ?? []);

    expect(counts(fired2.events)).toEqual({ 'level:L1': '1', 'level:L2': '1', 'addressee:pat.pmo': '1', 'addressee:sam.sponsor': '1' });
    // Acknowledged is still open (flagged) until the task closes; a closed task takes its escalation with it.
    const answered = fired2.add('EscalationAcknowledged', { escalationId: 'b:0:L1', taskId: 'b', step: 'L1' }).add('TaskCompleted', { taskId: 'a' });
    expect(counts(answered.events)).toEqual({ 'level:L1': '1', 'addressee:pat.pmo': '1' });
    // A count that comes to 0 is removed, so a count is there exactly while it is non-zero.
    const closed = answered.add('TaskCompleted', { taskId: 'b' });
    expect(counts(closed.events)).toEqual({});
    // Counted event by event (the counts rise and fall) or over the whole history at once: the same keys.
    expect(replay(workBoardProjection, closed.events, 1).snapshot()).toEqual(replay(workBoardProjection, closed.events).snapshot());
    // A later step supersedes the task's earlier one: b climbing to L3 leaves one escalation for b, at L3.
    const climbed = base().add('EscalationStepFired', fired('b', 'L3', { role: 'steering_committee', id: 'steerco' }, '2025-01-12T00:00:00.000Z'));
    expect(counts(climbed.events)).toEqual({ 'level:L3': '1', 'addressee:steerco': '1' });
  });

  test('applying every event twice equals applying it once', () => {
    const events = base()
      .add('TaskAssigned', { taskId: 'a', owner: 'pat.pmo', previousOwner: 'olga.owner' })
      .add('EscalationAcknowledged', { escalationId: 'b:0:L1', taskId: 'b', step: 'L1' }).events;
    expect(
      replay(
        workBoardProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(workBoardProjection, events).snapshot());
  });
});

describe('inbox read model', () => {
  test('a step superseded by a later one leaves the inbox; so does an acknowledged one: an inbox holds what its owner can act on', () => {
    const climbed = base()
      .add('EscalationStepFired', fired('b', 'L2', { role: 'executive_sponsor', id: 'sam.sponsor' }, '2025-01-11T00:00:00.000Z'))
      .add('EscalationStepFired', fired('b', 'L3', { role: 'steering_committee', id: 'steerco' }, '2025-01-12T00:00:00.000Z'));
    const model = replay(inboxProjection, climbed.events);
    expect(model.zset('inbox:pat.pmo')).toEqual([]);
    expect(model.zset('inbox:sam.sponsor')).toEqual([]);
    expect(model.zset('inbox:steerco').map(([m]) => m)).toEqual(['p-1/b:0:L3']);
    const acknowledged = replay(inboxProjection, climbed.add('EscalationAcknowledged', { escalationId: 'b:0:L3', taskId: 'b', step: 'L3' }).events);
    expect(acknowledged.zset('inbox:steerco')).toEqual([]);
  });

  test('given a reminder and an escalation, then each is in its addressee’s inbox', () => {
    const model = replay(inboxProjection, base().events);

    expect(model.zset('inbox:olga.owner').map(([m]) => m)).toEqual(['p-1/a:0:reminder']);
    expect(model.zset('inbox:pat.pmo').map(([m]) => m)).toEqual(['p-1/b:0:L1']);
  });

  test('when the escalation is acknowledged and the reminded task completes, then both inboxes are empty', () => {
    const events = base().add('EscalationAcknowledged', { escalationId: 'b:0:L1', taskId: 'b', step: 'L1' }).add('TaskCompleted', { taskId: 'a' }).events;
    const model = replay(inboxProjection, events);

    expect(model.zset('inbox:olga.owner')).toEqual([]);
    expect(model.zset('inbox:pat.pmo')).toEqual([]);
  });

  test('applying every event twice equals applying it once', () => {
    const events = base().add('EscalationAcknowledged', { escalationId: 'b:0:L1', taskId: 'b', step: 'L1' }).events;
    expect(
      replay(
        inboxProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(inboxProjection, events).snapshot());
  });
});
