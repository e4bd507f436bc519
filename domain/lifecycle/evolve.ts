import type { Event, EventOf } from '../events';
import type { Task } from '../model';
import { entryOf, withEntry } from '../records';
import { baseOf, type RegisteredBase, type RegisteredState, type State } from './state';

/**
 * Applies one event. A pure fold: the same events from `initialState` always give the same state, which is what lets
 * the workflow, its continue-as-new successor and any projection agree. Increments `sequence` by one per event.
 */
export function evolve(state: State, event: Event): State {
  if (state.stage === 'unregistered') {
    if (event.type !== 'PartnershipRegistered') throw new Error(`${event.type} cannot be applied before PartnershipRegistered`);
    return registered(event);
  }
  return apply({ ...state, sequence: state.sequence + 1, updatedAt: event.metadata.occurredAt }, event);
}

/** Folds a list of events, e.g. a stored history. */
export function evolveAll(state: State, events: ReadonlyArray<Event>): State {
  return events.reduce(evolve, state);
}

function registered(event: EventOf<'PartnershipRegistered'>): State {
  const { data, metadata } = event;
  return {
    stage: 'screening',
    partnershipId: data.partnershipId,
    profile: {
      name: data.name,
      partner: data.partner,
      kind: data.kind,
      structure: data.structure,
      modifiers: data.modifiers,
      attributes: data.attributes,
      owner: data.owner,
      pmoLead: data.pmoLead,
      executiveSponsor: data.executiveSponsor,
      steeringCommittee: data.steeringCommittee,
      contract: data.contract,
    },
    policy: data.policy,
    sequence: 1,
    registeredAt: metadata.occurredAt,
    updatedAt: metadata.occurredAt,
    tasks: {},
    screening: { scores: {}, averages: {}, composite: null, recommendation: null },
    gateDecisions: [],
    risks: {},
    kpis: {},
    health: null,
    contract: null,
    terms: 0,
    reviews: null,
    counters: { findings: 0, risks: 0, issues: 0 },
  };
}

function apply(s: RegisteredState, event: Event): State {
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'PartnershipRegistered':
      throw new Error(`partnership ${s.partnershipId} is already registered`);
    case 'ScreeningScoreSubmitted': {
      const { evaluator, scores, averages, composite, recommendation } = event.data;
      return { ...s, screening: { scores: withEntry(s.screening.scores, evaluator, scores), averages, composite, recommendation } };
    }
    case 'GateDecided': {
      const { gate, outcome, rationale, taskId } = event.data;
      return {
        ...closeTask(s, taskId, 'done', at),
        gateDecisions: [...s.gateDecisions, { gate, outcome, rationale, at, by: event.metadata.actor }],
      };
    }
    case 'DueDiligencePhaseStarted':
      return { ...pruned(s), stage: 'due_diligence', phase: event.data.phase };
    case 'LaunchStarted':
      return { ...pruned(s), stage: 'launch' };
    case 'OptimizationStarted': {
      const { contract, kpis } = event.data;
      const start = contract.start;
      return {
        ...pruned(s),
        stage: 'optimization',
        contract,
        terms: 1,
        kpis: Object.fromEntries(kpis.map((k) => [k.id, { ...k, latest: null }])),
        reviews: { monthly: start, quarterly: start, annual: start },
      };
    }
    case 'PartnershipRejected': {
      const { gate, rationale } = event.data;
      return { ...baseOf(s), stage: 'rejected', rejected: { gate, rationale, at, by: event.metadata.actor } };
    }
    case 'TaskOpened': {
      const { task } = event.data;
      const opened: Task = { ...task, status: 'open', openedAt: at, ladder: { since: at, round: 0, fired: [] } };
      const reviews = task.review !== undefined && s.reviews !== null ? { ...s.reviews, [task.review.cadence]: task.review.periodEnd } : s.reviews;
      return { ...s, tasks: withEntry(s.tasks, task.id, opened), reviews };
    }
    case 'TaskAssigned':
      return updateTask(s, event.data.taskId, (t) => ({ ...t, owner: event.data.owner }));
    case 'TaskCompleted':
      return closeTask(s, event.data.taskId, 'done', at);
    case 'ReviewCompleted': {
      const { taskId, kpiValues, healthRatings } = event.data;
      let kpis = s.kpis;
      for (const [id, value] of Object.entries(kpiValues)) {
        const kpi = entryOf(kpis, id);
        if (kpi !== undefined) kpis = withEntry(kpis, id, { ...kpi, latest: { value, at } });
      }
      const rated = Object.keys(healthRatings).length > 0;
      const health = rated ? { ratings: { ...s.health?.ratings, ...healthRatings }, ratedAt: at } : s.health;
      return { ...closeTask(s, taskId, 'done', at), kpis, health };
    }
    case 'TaskCancelled':
      return closeTask(s, event.data.taskId, 'cancelled', at);
    case 'DeadlineMoved':
      return updateTask(s, event.data.taskId, (t) => ({
        ...t,
        dueAt: event.data.dueAt,
        ladder: { since: at, round: t.ladder.round + 1, fired: [] },
      }));
    case 'FindingRecorded': {
      const { risk } = event.data;
      return {
        ...s,
        risks: withEntry(s.risks, risk.id, risk),
        counters: { ...s.counters, findings: s.counters.findings + 1, risks: s.counters.risks + 1 },
      };
    }
    case 'RiskAdded': {
      const { risk } = event.data;
      return { ...s, risks: withEntry(s.risks, risk.id, risk), counters: { ...s.counters, risks: s.counters.risks + 1 } };
    }
    case 'RiskUpdated': {
      const { riskId, changes } = event.data;
      const risk = entryOf(s.risks, riskId);
      if (risk === undefined) return s;
      const changed = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return { ...s, risks: withEntry(s.risks, riskId, { ...risk, ...changed, updatedAt: at }) };
    }
    case 'KpiRecorded': {
      const { kpiId, value } = event.data;
      const kpi = entryOf(s.kpis, kpiId);
      if (kpi === undefined) return s;
      return { ...s, kpis: withEntry(s.kpis, kpiId, { ...kpi, latest: { value, at } }) };
    }
    case 'IssueRaised':
      return { ...s, counters: { ...s.counters, issues: s.counters.issues + 1 } };
    case 'IssueResolved':
      return closeTask(s, event.data.taskId, 'done', at);
    case 'EscalationStepFired': {
      const { taskId, step, escalationId, scheduledAt, addressee } = event.data;
      return updateTask(s, taskId, (t) => ({
        ...t,
        ladder: { ...t.ladder, fired: [...t.ladder.fired, { step, escalationId, at: scheduledAt, firedAt: at, addressee }] },
      }));
    }
    case 'EscalationAcknowledged': {
      const { taskId, escalationId } = event.data;
      const by = event.metadata.actor;
      return updateTask(s, taskId, (t) => ({
        ...t,
        ladder: {
          ...t.ladder,
          fired: t.ladder.fired.map((f) => (f.escalationId === escalationId ? { ...f, acknowledgedAt: at, acknowledgedBy: by } : f)),
        },
      }));
    }
    case 'RenewalWindowOpened':
      return { ...baseOf(s), stage: 'renewal', renewal: { termEnd: event.data.termEnd, taskId: event.data.taskId, openedAt: at } };
    case 'RenewalDecided':
      return closeTask(s, event.data.taskId, 'done', at);
    case 'ContractRenewed':
      return { ...pruned(s), stage: 'optimization', contract: event.data.contract, terms: s.terms + 1 };
    case 'NoticeServed':
      return { ...pruned(s), stage: 'exit', exit: { reason: event.data.reason, servedAt: at, noticeEndsAt: event.data.noticeEndsAt, noticeEnded: false } };
    case 'NoticePeriodEnded':
      return s.stage === 'exit' ? { ...s, exit: { ...s.exit, noticeEnded: true } } : s;
    case 'PartnershipExited':
      return s.stage === 'exit' ? { ...baseOf(s), stage: 'exited', exit: s.exit, exitedAt: at } : s;
  }
}

function updateTask<S extends RegisteredState>(s: S, taskId: string, change: (t: Task) => Task): S {
  const task = entryOf(s.tasks, taskId);
  return task === undefined ? s : { ...s, tasks: withEntry(s.tasks, taskId, change(task)) };
}

function closeTask<S extends RegisteredState>(s: S, taskId: string, status: 'done' | 'cancelled', at: string): S {
  return updateTask(s, taskId, (t) => ({ ...t, status, closedAt: at }));
}

/** The base fields with closed tasks dropped: a new stage or term starts with only what is still open, keeping state bounded. */
function pruned(s: RegisteredState): RegisteredBase {
  return { ...baseOf(s), tasks: Object.fromEntries(Object.entries(s.tasks).filter(([, t]) => t.status === 'open')) };
}
