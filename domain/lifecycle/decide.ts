import { commandSchema, type Command, type CommandInput } from '../commands';
import { describeIssues, domainError, type DomainError } from '../errors';
import type { Event } from '../events';
import { isBefore } from '../time';
import { submitScreeningScore } from './screening';
import { recordFinding } from './due-diligence';
import { acknowledgeEscalation, fireEscalationStep } from './escalation';
import { endNoticePeriod, serveNotice } from './exit';
import { decideGate } from './gates';
import { raiseIssue, resolveIssue } from './issues';
import { openReview } from './optimization';
import type { Outcome } from './outcome';
import { registerPartnership } from './registration';
import { applyAutoRenew, decideRenewal, openRenewalWindow } from './renewal';
import { addRisk, recordKpi, updateRisk } from './risks';
import { describeStage, isClosed, type ActiveState, type ClosedState, type State } from './state';
import { assignTask, completeTask, moveDeadline } from './task-commands';

/** The decider's answer: the events a command produces (in order, metadata stamped), or why it was refused. */
export type DecideResult = { ok: true; events: Event[] } | { ok: false; error: DomainError };

/**
 * Decides a command against the current state. Pure: it reads only its arguments (time and actor arrive in the
 * command's metadata), so a Temporal update validator can call it and a refusal leaves no trace. A refusal emits nothing.
 */
export function decide(command: Command | CommandInput, state: State): DecideResult {
  const parsed = commandSchema.safeParse(command);
  if (!parsed.success) {
    const type = typeof command === 'object' && command !== null && 'type' in command ? String(command.type) : 'the command';
    return { ok: false, error: domainError('invalid_command', `${type} is invalid: ${describeIssues(parsed.error.issues)}`) };
  }
  const cmd = parsed.data;
  if (state.stage === 'unregistered') {
    if (cmd.type !== 'RegisterPartnership') {
      return { ok: false, error: domainError('not_registered', `${cmd.type} needs a registered partnership: register the partnership first`) };
    }
    return stamp(registerPartnership(cmd), cmd, cmd.data.partnershipId, 0);
  }
  if (isClosed(state)) return { ok: false, error: domainError('partnership_closed', closedMessage(state), { stage: state.stage }) };
  if (cmd.type === 'RegisterPartnership') {
    return {
      ok: false,
      error: domainError(
        'already_registered',
        `partnership ${state.partnershipId} is already registered (it is in ${describeStage(state)}); register a new one under another id`,
      ),
    };
  }
  if (isBefore(cmd.metadata.now, state.updatedAt)) {
    return {
      ok: false,
      error: domainError(
        'invalid_time',
        `${cmd.type} is dated ${cmd.metadata.now}, before the partnership last changed (${state.updatedAt}); send commands in time order`,
      ),
    };
  }
  return stamp(route(cmd, state), cmd, state.partnershipId, state.sequence);
}

function route(cmd: Exclude<Command, { type: 'RegisterPartnership' }>, state: ActiveState): Outcome {
  switch (cmd.type) {
    case 'SubmitScreeningScore':
      return submitScreeningScore(cmd, state);
    case 'DecideGate':
      return decideGate(cmd, state);
    case 'AssignTask':
      return assignTask(cmd, state);
    case 'CompleteTask':
      return completeTask(cmd, state);
    case 'MoveDeadline':
      return moveDeadline(cmd, state);
    case 'RecordFinding':
      return recordFinding(cmd, state);
    case 'AddRisk':
      return addRisk(cmd, state);
    case 'UpdateRisk':
      return updateRisk(cmd, state);
    case 'RecordKpi':
      return recordKpi(cmd, state);
    case 'RaiseIssue':
      return raiseIssue(cmd, state);
    case 'ResolveIssue':
      return resolveIssue(cmd, state);
    case 'AcknowledgeEscalation':
      return acknowledgeEscalation(cmd, state);
    case 'DecideRenewal':
      return decideRenewal(cmd, state);
    case 'ServeNotice':
      return serveNotice(cmd, state);
    case 'FireEscalationStep':
      return fireEscalationStep(cmd, state);
    case 'OpenReview':
      return openReview(cmd, state);
    case 'OpenRenewalWindow':
      return openRenewalWindow(cmd, state);
    case 'ApplyAutoRenew':
      return applyAutoRenew(cmd, state);
    case 'EndNoticePeriod':
      return endNoticePeriod(cmd, state);
  }
}

/** Numbers the drafts from the last sequence on and records when, by whom and on which command they happened. */
function stamp(outcome: Outcome, cmd: Command, partnershipId: string, lastSequence: number): DecideResult {
  if (!outcome.ok) return outcome;
  const { actor, now, commandId } = cmd.metadata;
  const events = outcome.events.map((draft, i) => ({
    ...draft,
    metadata: { partnershipId, sequence: lastSequence + i + 1, occurredAt: now, actor, ...(commandId === undefined ? {} : { causationId: commandId }) },
  }));
  return { ok: true, events };
}

function closedMessage(state: ClosedState): string {
  return state.stage === 'rejected'
    ? `the partnership was rejected at the ${state.rejected.gate} gate on ${state.rejected.at}: its lifecycle has ended; register a new partnership to consider this partner again`
    : `the partnership exited on ${state.exitedAt}: its lifecycle has ended; register a new partnership to work with this partner again`;
}
