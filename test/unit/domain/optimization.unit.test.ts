import { scheduledCommands, type Event, type State } from '../../../domain';
import {
  KPIS,
  T0,
  accepted,
  at,
  command,
  exec,
  inDueDiligence,
  inOptimization,
  inStage,
  legal,
  ops,
  otherOwner,
  owner,
  refused,
  registered,
  runClock,
  system,
  then,
  viewer,
} from './fixtures';

type Scenario = { events: Event[]; state: State };
// Launched at T0 + 20 minutes; monthly reviews every 30 minutes, quarterly every 90, annual every 6 hours (compressed).
const LAUNCH = at(T0, 'PT20M');
const firstMonthly = `review.monthly.2027-01-04T092000Z`;

const reviewsOf = (s: Scenario) =>
  s.events.filter((e): e is Extract<Event, { type: 'TaskOpened' }> => e.type === 'TaskOpened' && e.data.task.kind === 'review').map((e) => e.data.task);

describe('the review cadence', () => {
  it('schedules the first review of each cadence at the end of its first period after the contract starts', () => {
    const reviews = scheduledCommands(inOptimization().state).filter((c) => c.command.type === 'OpenReview');
    expect(reviews.map((c) => [c.command.data, c.at])).toEqual([
      [{ cadence: 'monthly', periodStart: LAUNCH }, at(LAUNCH, 'PT30M')],
      [{ cadence: 'quarterly', periodStart: LAUNCH }, at(LAUNCH, 'PT90M')],
      [{ cadence: 'annual', periodStart: LAUNCH }, at(LAUNCH, 'PT6H')],
    ]);
  });

  it('opens a review for the PMO lead, due a completion window later, with a deterministic id', () => {
    const { events } = accepted(inOptimization().state, command('OpenReview', { cadence: 'monthly', periodStart: LAUNCH }, system, at(LAUNCH, 'PT30M')));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'TaskOpened',
        data: {
          task: {
            id: firstMonthly,
            kind: 'review',
            title: 'Monthly operational review (2027-01-04T092000Z)',
            owner: ops.id,
            legal: false,
            dueAt: at(LAUNCH, 'PT40M'),
            reminderLead: 'PT5M',
            review: { cadence: 'monthly', periodStart: LAUNCH, periodEnd: at(LAUNCH, 'PT30M') },
          },
        },
      }),
    ]);
  });

  it('keeps opening one review per period, catching up if the worker was away', () => {
    const s = runClock(inOptimization(), at(LAUNCH, 'PT95M'));
    expect(reviewsOf(s).map((t) => t.id)).toEqual([
      firstMonthly,
      'review.monthly.2027-01-04T095000Z',
      'review.monthly.2027-01-04T102000Z',
      'review.quarterly.2027-01-04T092000Z',
    ]);
  });

  it('records KPI values and relationship-health ratings when a review is completed', () => {
    const s = then(inOptimization(), command('OpenReview', { cadence: 'monthly', periodStart: LAUNCH }, system, at(LAUNCH, 'PT30M')));
    const done = at(LAUNCH, 'PT35M');
    const { events, state } = accepted(
      s.state,
      command(
        'CompleteTask',
        {
          taskId: firstMonthly,
          review: { kpiValues: { 'joint-revenue': 120_000 }, healthRatings: { trust_index: 4, communication_effectiveness: 3 }, summary: 'on track' },
        },
        ops,
        done,
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'ReviewCompleted',
        data: {
          taskId: firstMonthly,
          cadence: 'monthly',
          periodStart: LAUNCH,
          kpiValues: { 'joint-revenue': 120_000 },
          healthRatings: { trust_index: 4, communication_effectiveness: 3 },
          summary: 'on track',
        },
      }),
    ]);
    const o = inStage(state, 'optimization');
    expect(o.kpis['joint-revenue']?.latest).toEqual({ value: 120_000, at: done });
    expect(o.health).toEqual({ ratings: { trust_index: 4, communication_effectiveness: 3 }, ratedAt: done });
    expect(scheduledCommands(state).some((c) => c.command.type === 'FireEscalationStep' && c.command.data.taskId === firstMonthly)).toBe(false);
  });

  describe('refuses', () => {
    const opened = () => then(inOptimization(), command('OpenReview', { cadence: 'monthly', periodStart: LAUNCH }, system, at(LAUNCH, 'PT30M')));

    it('a health rating outside 1–5', () => {
      expect(
        refused(opened().state, command('CompleteTask', { taskId: firstMonthly, review: { healthRatings: { trust_index: 7 } } }, ops, at(LAUNCH, 'PT31M')))
          .message,
      ).toBe('CompleteTask is invalid: data.review.healthRatings.trust_index: scores run from 1 to 5');
    });

    it('a value for a KPI that was never defined', () => {
      expect(
        refused(opened().state, command('CompleteTask', { taskId: firstMonthly, review: { kpiValues: { nps: 40 } } }, ops, at(LAUNCH, 'PT31M'))),
      ).toMatchObject({
        code: 'unknown_kpi',
        message: 'unknown KPI nps; the KPIs defined at launch are joint-revenue, integration-uptime',
      });
    });

    it('opening a review before its period ends', () => {
      expect(refused(inOptimization().state, command('OpenReview', { cadence: 'monthly', periodStart: LAUNCH }, system, at(LAUNCH, 'PT29M'))).code).toBe(
        'not_due_yet',
      );
    });

    it('opening the same review twice', () => {
      expect(refused(opened().state, command('OpenReview', { cadence: 'monthly', periodStart: LAUNCH }, system, at(LAUNCH, 'PT31M')))).toMatchObject({
        code: 'stale_command',
        message: `the monthly review of the period from ${LAUNCH} is stale: the next monthly period starts at ${at(LAUNCH, 'PT30M')}`,
      });
    });

    it('opening a review before launch', () => {
      expect(refused(registered().state, command('OpenReview', { cadence: 'monthly', periodStart: T0 }, system, at(T0, 'PT30M'))).code).toBe('stale_command');
    });
  });
});

describe('KPIs', () => {
  it('record a value for a defined KPI', () => {
    const { events, state } = accepted(inOptimization().state, command('RecordKpi', { kpiId: 'integration-uptime', value: 99.95 }, owner, at(LAUNCH, 'PT1M')));
    expect(events).toEqual([expect.objectContaining({ type: 'KpiRecorded', data: { kpiId: 'integration-uptime', value: 99.95 } })]);
    expect(inStage(state, 'optimization').kpis['integration-uptime']).toEqual({
      ...KPIS[1],
      direction: 'higher_is_better',
      latest: { value: 99.95, at: at(LAUNCH, 'PT1M') },
    });
  });

  describe('refuse', () => {
    it('an unknown KPI, listing the defined ones', () => {
      expect(refused(inOptimization().state, command('RecordKpi', { kpiId: 'nps', value: 1 }, owner, at(LAUNCH, 'PT1M'))).message).toBe(
        'there is no KPI nps; the defined KPIs are joint-revenue, integration-uptime',
      );
    });

    it('any KPI before the launch gate has defined them', () => {
      expect(refused(registered().state, command('RecordKpi', { kpiId: 'nps', value: 1 }, owner, at(T0, 'PT1M'))).message).toBe(
        'there is no KPI nps; no KPIs are defined yet: they are defined at the launch gate',
      );
    });

    it('a value that is not a finite number', () => {
      expect(refused(inOptimization().state, command('RecordKpi', { kpiId: 'nps', value: Number.POSITIVE_INFINITY }, owner, at(LAUNCH, 'PT1M'))).code).toBe(
        'invalid_command',
      );
    });

    it('a viewer', () => {
      expect(refused(inOptimization().state, command('RecordKpi', { kpiId: 'integration-uptime', value: 1 }, viewer, at(LAUNCH, 'PT1M'))).code).toBe(
        'forbidden',
      );
    });
  });
});

describe('the risk register', () => {
  const addRisk = (actor = ops) =>
    command('AddRisk', { title: 'Partner CTO leaving', category: 'relationship', likelihood: 3, impact: 4, owner: exec.id }, actor, at(T0, 'PT1M'));

  it('takes a risk at any stage', () => {
    const { events, state } = accepted(registered().state, addRisk());
    expect(events).toEqual([
      expect.objectContaining({
        type: 'RiskAdded',
        data: {
          risk: {
            id: 'risk.1',
            title: 'Partner CTO leaving',
            category: 'relationship',
            likelihood: 3,
            impact: 4,
            owner: exec.id,
            mitigation: [],
            status: 'open',
            source: { kind: 'manual' },
            raisedAt: at(T0, 'PT1M'),
            updatedAt: at(T0, 'PT1M'),
          },
        },
      }),
    ]);
    expect(inStage(state, 'screening').risks['risk.1']?.status).toBe('open');
  });

  it('updates a risk’s rating, mitigation and status', () => {
    const s = then(registered(), addRisk());
    const { events, state } = accepted(
      s.state,
      command(
        'UpdateRisk',
        { riskId: 'risk.1', likelihood: 2, mitigation: ['succession plan'], status: 'mitigating', note: 'deputy named' },
        legal,
        at(T0, 'PT2M'),
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'RiskUpdated',
        data: { riskId: 'risk.1', changes: { likelihood: 2, mitigation: ['succession plan'], status: 'mitigating' }, note: 'deputy named' },
      }),
    ]);
    expect(inStage(state, 'screening').risks['risk.1']).toMatchObject({ likelihood: 2, impact: 4, status: 'mitigating', updatedAt: at(T0, 'PT2M') });
  });

  describe('refuses', () => {
    it('an unknown risk', () => {
      expect(refused(registered().state, command('UpdateRisk', { riskId: 'risk.9', status: 'closed' }, ops, at(T0, 'PT1M')))).toMatchObject({
        code: 'unknown_risk',
        message: 'there is no risk risk.9; the register holds none',
      });
    });

    it('an update that changes nothing', () => {
      expect(refused(then(registered(), addRisk()).state, command('UpdateRisk', { riskId: 'risk.1', note: 'just looking' }, ops, at(T0, 'PT1M'))).message).toBe(
        'UpdateRisk is invalid: data: change at least one of likelihood, impact, owner, mitigation or status',
      );
    });

    it('a rating outside 1–5', () => {
      expect(
        refused(registered().state, command('AddRisk', { title: 'x', category: 'financial', likelihood: 0, impact: 2, owner: ops.id }, ops, at(T0, 'PT1M')))
          .message,
      ).toBe('AddRisk is invalid: data.likelihood: scores run from 1 to 5');
    });

    it('a viewer adding or updating', () => {
      expect(refused(registered().state, addRisk(viewer)).code).toBe('forbidden');
      expect(refused(then(registered(), addRisk()).state, command('UpdateRisk', { riskId: 'risk.1', status: 'closed' }, viewer, at(T0, 'PT1M'))).code).toBe(
        'forbidden',
      );
    });
  });
});

describe('issues', () => {
  const raise = (data: Record<string, unknown> = {}, actor = owner, now = at(T0, 'PT3M')) =>
    command('RaiseIssue', { title: 'API quota exceeded', severity: 'high', ...data } as never, actor, now);

  it('become a task due by their severity’s resolution time, owned by the PMO lead', () => {
    const { events, state } = accepted(inDueDiligence().state, raise({ description: 'sandbox throttled' }));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'IssueRaised',
        version: 2,
        data: { issueId: 'issue.1', taskId: 'issue.1', title: 'API quota exceeded', severity: 'high', description: 'sandbox throttled' },
      }),
      expect.objectContaining({
        type: 'TaskOpened',
        data: { task: expect.objectContaining({ id: 'issue.1', kind: 'issue', owner: ops.id, dueAt: at(T0, 'PT13M'), severity: 'high' }) },
      }),
    ]);
    expect(scheduledCommands(state).find((c) => c.command.type === 'FireEscalationStep' && c.command.data.taskId === 'issue.1')?.at).toBe(at(T0, 'PT11M'));
  });

  it('may name an owner and a due date', () => {
    const { events } = accepted(inDueDiligence().state, raise({ owner: otherOwner.id, dueAt: at(T0, 'PT2H') }));
    expect(events[1]).toMatchObject({ data: { task: { owner: otherOwner.id, dueAt: at(T0, 'PT2H') } } });
  });

  it('are resolved by their owner or ops, ending the ladder', () => {
    const s = then(inDueDiligence(), raise());
    const { events, state } = accepted(s.state, command('ResolveIssue', { issueId: 'issue.1', resolution: 'quota raised' }, ops, at(T0, 'PT4M')));
    expect(events).toEqual([expect.objectContaining({ type: 'IssueResolved', data: { issueId: 'issue.1', taskId: 'issue.1', resolution: 'quota raised' } })]);
    expect(scheduledCommands(state).some((c) => c.command.type === 'FireEscalationStep' && c.command.data.taskId === 'issue.1')).toBe(false);
  });

  describe('refuse', () => {
    it('a due date in the past', () => {
      expect(refused(inDueDiligence().state, raise({ dueAt: T0 })).code).toBe('invalid_deadline');
    });

    it('an unknown severity', () => {
      expect(refused(inDueDiligence().state, raise({ severity: 'urgent' })).message).toMatch(/^RaiseIssue is invalid: data\.severity: /);
    });

    it('a viewer raising one', () => {
      expect(refused(inDueDiligence().state, raise({}, viewer)).code).toBe('forbidden');
    });

    it('resolution by someone who neither owns it nor is ops', () => {
      const s = then(inDueDiligence(), raise());
      expect(refused(s.state, command('ResolveIssue', { issueId: 'issue.1', resolution: 'x' }, owner, at(T0, 'PT4M'))).code).toBe('forbidden');
    });

    it('resolving twice', () => {
      const s = then(then(inDueDiligence(), raise()), command('ResolveIssue', { issueId: 'issue.1', resolution: 'x' }, ops, at(T0, 'PT4M')));
      expect(refused(s.state, command('ResolveIssue', { issueId: 'issue.1', resolution: 'x' }, ops, at(T0, 'PT5M')))).toMatchObject({
        code: 'task_not_open',
        message: `issue issue.1 is not open: it was resolved at ${at(T0, 'PT4M')}`,
      });
    });

    it('an unknown issue, or a task that is not an issue', () => {
      expect(refused(inDueDiligence().state, command('ResolveIssue', { issueId: 'issue.7', resolution: 'x' }, ops, at(T0, 'PT4M'))).code).toBe('unknown_issue');
      expect(refused(inDueDiligence().state, command('ResolveIssue', { issueId: 'gate.dd.preliminary', resolution: 'x' }, ops, at(T0, 'PT4M'))).code).toBe(
        'unknown_issue',
      );
    });

    it('CompleteTask on an issue, pointing at ResolveIssue', () => {
      expect(refused(then(inDueDiligence(), raise()).state, command('CompleteTask', { taskId: 'issue.1' }, ops, at(T0, 'PT4M'))).message).toBe(
        'task issue.1 is not completed with CompleteTask: it is an issue: resolve it with ResolveIssue',
      );
    });
  });
});
