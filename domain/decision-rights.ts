import { z } from 'zod';
import { domainError, type DomainError } from './errors';
import type { Actor, ActorRole } from './roles';

/** Every decision the lifecycle guards. */
export const decisionSchema = z.enum([
  'register_partnership',
  'submit_screening_score',
  'decide_strategic_gate',
  'decide_operational_gate',
  'assign_task',
  'move_deadline',
  'complete_task',
  'complete_legal_task',
  'resolve_issue',
  'acknowledge_escalation',
  'record_finding',
  'manage_risks',
  'record_kpi',
  'raise_issue',
  'decide_renewal',
  'serve_notice',
  'run_schedule',
]);
export type Decision = z.infer<typeof decisionSchema>;

/** Who is named in the decision at hand: a person named here may act even without the role. */
export interface DecisionContext {
  taskOwner?: string;
  addressee?: string;
  evaluator?: string;
  /** What is being decided on, for the message, e.g. `task dd.final.executive-alignment`. */
  subject?: string;
}

type Subject = 'taskOwner' | 'addressee' | 'evaluator';

interface Right {
  roles: ReadonlyArray<ActorRole>;
  orSubject?: Subject;
  what: string;
  whoMay: string;
}

const CONTRIBUTORS: ReadonlyArray<ActorRole> = ['ops', 'exec', 'legal', 'owner'];

/**
 * The decision-rights table (DOMAIN.md "Decision rights"), the only place roles are checked. `admin` may do everything,
 * `viewer` nothing, and the `system` actor only what time drives.
 */
export const DECISION_RIGHTS: Readonly<Record<Decision, Right>> = {
  register_partnership: { roles: ['ops'], what: 'register a partnership', whoMay: 'ask a partnership manager (ops)' },
  submit_screening_score: {
    roles: ['ops'],
    orSubject: 'evaluator',
    what: 'submit screening scores',
    whoMay: 'evaluators submit their own scores; a partnership manager (ops) may enter them on their behalf',
  },
  decide_strategic_gate: {
    roles: ['exec'],
    what: 'decide a strategic gate',
    whoMay: 'the screening and final due-diligence gates are strategic: ask the executive sponsor (exec)',
  },
  decide_operational_gate: { roles: ['ops'], what: 'decide this gate', whoMay: 'ask a partnership manager (ops)' },
  assign_task: { roles: ['ops'], what: 'assign tasks', whoMay: 'ask a partnership manager (ops)' },
  move_deadline: { roles: ['ops'], what: 'move deadlines', whoMay: 'ask a partnership manager (ops)' },
  complete_task: {
    roles: ['ops'],
    orSubject: 'taskOwner',
    what: 'complete this task',
    whoMay: 'only its owner or a partnership manager (ops) may complete it',
  },
  complete_legal_task: {
    roles: ['legal'],
    what: 'complete this legal item',
    whoMay: 'legal and compliance sign off legal items: ask legal',
  },
  resolve_issue: {
    roles: ['ops'],
    orSubject: 'taskOwner',
    what: 'resolve this issue',
    whoMay: 'only its owner or a partnership manager (ops) may resolve it',
  },
  acknowledge_escalation: {
    roles: ['ops'],
    orSubject: 'addressee',
    what: 'acknowledge this escalation',
    whoMay: 'only the person it went to or a partnership manager (ops) may acknowledge it',
  },
  record_finding: { roles: CONTRIBUTORS, what: 'record findings', whoMay: 'viewers read only; ask a team member' },
  manage_risks: { roles: CONTRIBUTORS, what: 'change the risk register', whoMay: 'viewers read only; ask a team member' },
  record_kpi: { roles: CONTRIBUTORS, what: 'record KPI values', whoMay: 'viewers read only; ask a team member' },
  raise_issue: { roles: CONTRIBUTORS, what: 'raise issues', whoMay: 'viewers read only; ask a team member' },
  decide_renewal: {
    roles: ['exec'],
    what: 'decide the renewal',
    whoMay: 'renewal is a strategic decision: ask the executive sponsor (exec)',
  },
  serve_notice: { roles: ['exec'], what: 'serve notice', whoMay: 'exit is a strategic decision: ask the executive sponsor (exec)' },
  run_schedule: {
    roles: ['system'],
    what: 'fire time-driven steps',
    whoMay: 'the lifecycle fires these itself when their time comes',
  },
};

/** Every read the API serves, grouped by who may see it. */
export const readSchema = z.enum(['read_partnership', 'read_portfolio_reports', 'read_work_board', 'read_own_inbox']);
export type Read = z.infer<typeof readSchema>;

const EVERYONE: ReadonlyArray<ActorRole> = ['ops', 'exec', 'legal', 'owner', 'viewer'];

/**
 * Who may read what (the reads' half of the table). Team members and viewers read partnerships; portfolio-wide reports
 * are for partnership managers, sponsors and leadership (viewers); another person's work only for those, while anyone
 * reads their own work and inbox. `admin` reads everything; the `system` actor reads nothing.
 */
export const READ_RIGHTS: Readonly<Record<Read, Right>> = {
  read_partnership: { roles: EVERYONE, what: 'read partnerships', whoMay: 'ask an admin for a token with a role' },
  read_portfolio_reports: {
    roles: ['ops', 'exec', 'viewer'],
    what: 'read portfolio reports',
    whoMay: 'portfolio reports are for partnership managers (ops), sponsors (exec) and leadership (viewer)',
  },
  read_work_board: {
    roles: ['ops', 'exec', 'viewer'],
    orSubject: 'taskOwner',
    what: 'read this work board',
    whoMay: 'read your own work with ?owner=<your id>; the whole board is for partnership managers (ops), sponsors (exec) and leadership (viewer)',
  },
  read_own_inbox: { roles: EVERYONE, what: 'read an inbox', whoMay: 'ask an admin for a token with a role' },
};

/** Checks the table: `{ ok: true }` when `actor` may take `decision`, otherwise a `forbidden` error saying who may. */
export function authorize(decision: Decision, actor: Actor, context: DecisionContext = {}): { ok: true } | { ok: false; error: DomainError } {
  return check(DECISION_RIGHTS[decision], decision, actor, context);
}

/** The same check for a read: `{ ok: true }` when `actor` may read it, otherwise a `forbidden` error saying who may. */
export function authorizeRead(read: Read, actor: Actor, context: DecisionContext = {}): { ok: true } | { ok: false; error: DomainError } {
  return check(READ_RIGHTS[read], read, actor, context);
}

function check(right: Right, decision: Decision | Read, actor: Actor, context: DecisionContext): { ok: true } | { ok: false; error: DomainError } {
  if (actor.role === 'admin') return { ok: true };
  const named = right.orSubject !== undefined && context[right.orSubject] === actor.id;
  // A viewer stays read-only even when named; the system actor acts only on time.
  const personCanBeNamed = actor.role !== 'viewer' && actor.role !== 'system';
  if (right.roles.includes(actor.role) || (named && personCanBeNamed)) return { ok: true };
  const on = context.subject === undefined ? '' : ` (${context.subject})`;
  return {
    ok: false,
    error: domainError('forbidden', `${actor.id} (${actor.role}) may not ${right.what}${on}: ${right.whoMay}`, {
      decision,
      actor,
    }),
  };
}
