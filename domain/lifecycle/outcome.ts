import { domainError, type DomainError, type DomainErrorCode } from '../errors';
import { CURRENT_EVENT_VERSIONS, type EventDraft, type EventOf, type EventType } from '../events';
import { describeStage, type State } from './state';

/** What a stage decider returns: event drafts (stamped with metadata by `decide`) or a refusal. */
export type Outcome = { ok: true; events: EventDraft[] } | { ok: false; error: DomainError };

/** Accept, with these events (possibly none). */
export function accept(...events: EventDraft[]): Outcome {
  return { ok: true, events };
}

/** Refuse, emitting nothing. */
export function reject(code: DomainErrorCode, message: string, details?: Record<string, unknown>): { ok: false; error: DomainError } {
  return { ok: false, error: domainError(code, message, details) };
}

/** A `wrong_stage` refusal: "`what` is not possible: the partnership is in `stage`; `hint`". */
export function wrongStage(what: string, state: State, hint: string): { ok: false; error: DomainError } {
  return reject('wrong_stage', `${what} is not possible: the partnership is in ${describeStage(state)}; ${hint}`, { stage: state.stage });
}

/** An event draft at the current version of its type. */
export function draft<T extends EventType>(type: T, data: EventOf<T>['data']): EventDraft {
  return { type, version: CURRENT_EVENT_VERSIONS[type], data } as EventDraft;
}
