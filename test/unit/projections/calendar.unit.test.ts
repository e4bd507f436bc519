import { compressedPolicy } from '../../../domain/policy';
import { calendarProjection, type CalendarDoc, type CalendarEntry } from '../../../projections/calendar/read-model';
import { replay } from './support/memory-model';
import { story, task } from './support/story';

const contract = (start: string, end: string) => ({ start, end, noticePeriod: 'P30D', autoRenew: false });
const review = (id: string, dueAt: string) =>
  task(id, dueAt, { kind: 'review', title: `Review ${id}`, review: { cadence: 'monthly', periodStart: '2025-01-01T00:00:00.000Z', periodEnd: dueAt } });
const LEAD = compressedPolicy.renewal.leadTime;

const optimizing = () =>
  story('p-1')
    .add('PartnershipRegistered')
    .add('OptimizationStarted', { contract: contract('2025-01-02T00:00:00.000Z', '2025-06-01T00:00:00.000Z'), kpis: [] })
    .add('TaskOpened', review('r-1', '2025-02-01T00:00:00.000Z'))
    .add('TaskOpened', review('r-2', '2025-03-01T00:00:00.000Z'))
    .add('TaskOpened', task('c-1', '2025-01-20T00:00:00.000Z'));

const brief = (entries: Record<string, CalendarEntry>) => Object.values(entries).map((e) => [e.entryId, e.at, e.status]);

describe('calendar read model', () => {
  test('the renewal lead time is the pinned compressed policy’s', () => {
    expect(LEAD).toBe('PT2H');
  });

  test('given a partnership in optimization with open reviews, then reviews, the expected renewal window and the contract end are on the calendar', () => {
    const model = replay(calendarProjection, optimizing().events);

    // Compressed policy: monthly periods of 30 minutes, quarterly of 90, annual of 6 hours, from the contract start.
    expect(brief(model.doc<CalendarDoc>('p-1')?.entries ?? {})).toEqual([
      ['next-review:monthly', '2025-03-01T00:30:00.000Z', 'expected'],
      ['next-review:quarterly', '2025-01-02T01:30:00.000Z', 'expected'],
      ['next-review:annual', '2025-01-02T06:00:00.000Z', 'expected'],
      ['contract-end', '2025-06-01T00:00:00.000Z', null],
      ['renewal-window', '2025-05-31T22:00:00.000Z', 'expected'],
      ['review:r-1', '2025-02-01T00:00:00.000Z', null],
      ['review:r-2', '2025-03-01T00:00:00.000Z', null],
    ]);
    expect(model.zset('entries:by-time')).toEqual([
      ['p-1/next-review:quarterly', Date.parse('2025-01-02T01:30:00.000Z')],
      ['p-1/next-review:annual', Date.parse('2025-01-02T06:00:00.000Z')],
      ['p-1/review:r-1', Date.parse('2025-02-01T00:00:00.000Z')],
      ['p-1/review:r-2', Date.parse('2025-03-01T00:00:00.000Z')],
      ['p-1/next-review:monthly', Date.parse('2025-03-01T00:30:00.000Z')],
      ['p-1/renewal-window', Date.parse('2025-05-31T22:00:00.000Z')],
      ['p-1/contract-end', Date.parse('2025-06-01T00:00:00.000Z')],
    ]);
    const stored = new Map((model.snapshot().index as Record<string, unknown>).entries as Array<[string, string]>);
    expect(JSON.parse(stored.get('p-1/review:r-1') ?? 'null')).toMatchObject({ partnershipId: 'p-1', kind: 'review', taskId: 'r-1', title: 'Review r-1' });
  });

  test('when a review completes and another moves, then the completed one leaves and the moved one is re-scored', () => {
    const events = optimizing()
      .add('ReviewCompleted', { taskId: 'r-1', cadence: 'monthly', periodStart: '2025-01-01T00:00:00.000Z', kpiValues: {}, healthRatings: {} })
      .add('DeadlineMoved', { taskId: 'r-2', previousDueAt: '2025-03-01T00:00:00.000Z', dueAt: '2025-03-05T00:00:00.000Z', reason: 'holiday' }).events;
    const model = replay(calendarProjection, events);

    const dated = model.zset('entries:by-time').filter(([m]) => !m.includes('/next-review:'));
    expect(dated.map(([m]) => m)).toEqual(['p-1/review:r-2', 'p-1/renewal-window', 'p-1/contract-end']);
    expect(dated[0]?.[1]).toBe(Date.parse('2025-03-05T00:00:00.000Z'));
    expect(new Map((model.snapshot().index as Record<string, unknown>).entries as Array<[string, string]>).has('p-1/review:r-1')).toBe(false);
  });

  test('when the renewal window opens and the contract is renewed, then the window is opened, then expected again for the new term', () => {
    const opened = optimizing().add('RenewalWindowOpened', { termEnd: '2025-06-01T00:00:00.000Z', taskId: 'renewal-1' }, { at: '2025-05-31T22:00:05.000Z' });
    expect(model(opened.events)['renewal-window']).toMatchObject({ at: '2025-05-31T22:00:05.000Z', status: 'opened', taskId: 'renewal-1' });

    const renewed = opened.add('ContractRenewed', {
      how: 'renewed',
      contract: contract('2025-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'),
      previousEnd: '2025-06-01T00:00:00.000Z',
    });
    const entries = model(renewed.events);
    expect(entries['renewal-window']).toMatchObject({ at: '2026-05-31T22:00:00.000Z', status: 'expected', taskId: null });
    expect(entries['contract-end']?.at).toBe('2026-06-01T00:00:00.000Z');
  });

  test('when notice is served, then the notice end is on and the renewal window off the calendar; on exit everything leaves', () => {
    const served = optimizing().add('NoticeServed', { reason: 'strategy change', noticeEndsAt: '2025-04-01T00:00:00.000Z' });
    const entries = model(served.events);
    expect(entries['notice-end']).toMatchObject({ kind: 'notice_end', at: '2025-04-01T00:00:00.000Z' });
    expect(entries['renewal-window']).toBeUndefined();

    const exited = replay(
      calendarProjection,
      served.add('NoticePeriodEnded', { noticeEndsAt: '2025-04-01T00:00:00.000Z' }).add('PartnershipExited', { reason: 'wound down' }).events,
    );
    expect(exited.doc<CalendarDoc>('p-1')?.entries).toEqual({});
    expect(exited.zset('entries:by-time')).toEqual([]);
    // Emptied, so gone (as in Redis).
    expect(exited.snapshot().index).not.toHaveProperty('entries');
  });

  test('the next review of each cadence is on the calendar from the contract start, moves a period on as each opens, and leaves when notice is served', () => {
    const started = story('p-1')
      .add('PartnershipRegistered')
      .add('OptimizationStarted', { contract: contract('2025-01-02T00:00:00.000Z', '2025-06-01T00:00:00.000Z'), kpis: [] });
    const next = (events: Parameters<typeof replay>[1]) => Object.values(model(events)).filter((e) => e.entryId.startsWith('next-review:'));
    expect(next(started.events)).toEqual([
      { entryId: 'next-review:monthly', kind: 'review', at: '2025-01-02T00:30:00.000Z', title: 'Monthly review opens', taskId: null, status: 'expected' },
      { entryId: 'next-review:quarterly', kind: 'review', at: '2025-01-02T01:30:00.000Z', title: 'Quarterly review opens', taskId: null, status: 'expected' },
      { entryId: 'next-review:annual', kind: 'review', at: '2025-01-02T06:00:00.000Z', title: 'Annual review opens', taskId: null, status: 'expected' },
    ]);

    // The first monthly review opens at the end of its period: it is due, and the next one is a period later.
    const opened = started.add(
      'TaskOpened',
      task('m-1', '2025-01-02T00:40:00.000Z', {
        kind: 'review',
        title: 'Monthly review',
        review: { cadence: 'monthly', periodStart: '2025-01-02T00:00:00.000Z', periodEnd: '2025-01-02T00:30:00.000Z' },
      }),
      { at: '2025-01-02T00:30:00.000Z' },
    );
    expect(model(opened.events)['next-review:monthly']?.at).toBe('2025-01-02T01:00:00.000Z');
    expect(model(opened.events)['review:m-1']).toMatchObject({ kind: 'review', at: '2025-01-02T00:40:00.000Z', taskId: 'm-1' });

    // A renewal keeps the review periods running; notice ends them (the open review stays until it is done).
    const renewed = opened.add('ContractRenewed', {
      how: 'renewed',
      contract: contract('2025-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'),
      previousEnd: '2025-06-01T00:00:00.000Z',
    });
    expect(next(renewed.events).map((e) => e.at)).toEqual(['2025-01-02T01:00:00.000Z', '2025-01-02T01:30:00.000Z', '2025-01-02T06:00:00.000Z']);
    const served = renewed.add('NoticeServed', { reason: 'strategy change', noticeEndsAt: '2025-07-01T00:00:00.000Z' });
    expect(next(served.events)).toEqual([]);
    expect(model(served.events)['review:m-1']).toBeDefined();
  });

  test('given two partnerships, then the portfolio sorted set interleaves their entries by time', () => {
    const other = story('p-2')
      .add('PartnershipRegistered')
      .add('OptimizationStarted', { contract: contract('2025-01-02T00:00:00.000Z', '2025-02-15T00:00:00.000Z'), kpis: [] }).events;
    const m = replay(calendarProjection, [...optimizing().events, ...other]);

    expect(
      m
        .zset('entries:by-time')
        .map(([member]) => member)
        .filter((member) => !member.includes('/next-review:')),
    ).toEqual(['p-1/review:r-1', 'p-2/renewal-window', 'p-2/contract-end', 'p-1/review:r-2', 'p-1/renewal-window', 'p-1/contract-end']);
  });

  test('applying every event twice equals applying it once', () => {
    const events = optimizing()
      .add('DeadlineMoved', { taskId: 'r-2', previousDueAt: '2025-03-01T00:00:00.000Z', dueAt: '2025-03-05T00:00:00.000Z', reason: 'holiday' })
      .add('TaskCancelled', { taskId: 'r-1', reason: 'merged' })
      .add('RenewalWindowOpened', { termEnd: '2025-06-01T00:00:00.000Z', taskId: 'renewal-1' })
      .add('NoticeServed', { reason: 'exit', noticeEndsAt: '2025-07-01T00:00:00.000Z' }).events;
    expect(
      replay(
        calendarProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(calendarProjection, events).snapshot());
    expect(replay(calendarProjection, events, 2).snapshot()).toEqual(replay(calendarProjection, events).snapshot());
  });
});

function model(events: Parameters<typeof replay>[1]): Record<string, CalendarEntry> {
  return replay(calendarProjection, events).doc<CalendarDoc>('p-1')?.entries ?? {};
}
