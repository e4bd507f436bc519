import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/lifecycle-activities';
import { commandSchema, type Command, type CommandInput } from '../domain/commands';
import { describeIssues, type DomainError } from '../domain/errors';
import type { Event } from '../domain/events';
import { decide, evolve, initialState, isClosed, scheduledCommands, view, type State } from '../domain/lifecycle';
import { SYSTEM_ACTOR } from '../domain/roles';
import { eventId } from '../domain/cloudevent';
import { publishOptions } from './activity-options';
import { commandUpdates, OPERATOR_COMMAND_TYPES, partnershipStateQuery, type CommandResult, type LifecycleView, type OperatorCommand } from './messages';
import { NextDeadline, OpenEscalations, PartnershipKind, PartnershipOwner, PartnershipStage } from './search-attributes';

const { publishLifecycleEvents } = proxyActivities<Activities>(publishOptions);

/** Events per publish call: enough to drain a burst in one round trip, small enough to keep payloads modest. */
const PUBLISH_BATCH = 100;

/** Continue-as-new well before Temporal's own limits, so a lifecycle living for decades keeps a short history. */
export const MAX_HISTORY_EVENTS = 2_000;

/** Starts a lifecycle (with `registration`), or carries one over from a previous run (with `carried`). */
export interface LifecycleInput {
  partnershipId: string;
  registration?: { data: unknown; actor: OperatorCommand['actor'] };
  carried?: { state: State; unpublished: Event[]; skipped: string[] };
}

function refusal(error: DomainError): ApplicationFailure {
  return ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true, details: [error] });
}

function nowIso(): string {
  // Workflow time: deterministic, the same on replay.
  return new Date(Date.now()).toISOString();
}

/** Validates and stamps a command: the lifecycle's clock, the caller's actor, the update id as command id. */
function toCommand(input: { type: string; data: unknown; actor: OperatorCommand['actor'] }, commandId?: string): Command {
  const candidate: CommandInput | Record<string, unknown> = {
    type: input.type,
    data: input.data,
    metadata: { actor: input.actor, now: nowIso(), commandId },
  };
  const parsed = commandSchema.safeParse(candidate);
  if (!parsed.success) {
    throw refusal({ code: 'invalid_command', message: `${input.type}: ${describeIssues(parsed.error.issues)}` });
  }
  return parsed.data;
}

function scheduleKey(entry: { at: string; command: { type: string; data: unknown } }): string {
  return `${entry.at}|${entry.command.type}|${JSON.stringify(entry.command.data)}`;
}

/** One partnership's whole life: every stage, gate, reminder, escalation, review, renewal and exit. */
export async function partnershipLifecycleWorkflow(input: LifecycleInput): Promise<LifecycleView> {
  let state: State = input.carried?.state ?? initialState;
  const unpublished: Event[] = [...(input.carried?.unpublished ?? [])];
  // System commands the decider refused (a bug if it happens): skipped so a refusal can never spin the loop.
  const skipped = new Set<string>(input.carried?.skipped ?? []);
  let published = state.sequence - unpublished.length;

  function apply(command: Command): Event[] {
    const decision = decide(command, state);
    if (!decision.ok) throw refusal(decision.error);
    for (const event of decision.events) {
      state = evolve(state, event);
      unpublished.push(event);
    }
    if (decision.events.length > 0) updateSearchAttributes();
    return decision.events;
  }

  function updateSearchAttributes(): void {
    const v = view(state);
    if (v.stage === 'unregistered') return;
    upsertSearchAttributes([
      { key: PartnershipStage, value: v.stage },
      { key: PartnershipKind, value: v.kind },
      { key: PartnershipOwner, value: v.owner },
      { key: NextDeadline, value: v.nextDeadline ? new Date(v.nextDeadline) : null },
      { key: OpenEscalations, value: v.openEscalationCount },
    ]);
  }

  async function publishAll(): Promise<void> {
    // One publisher at a time, in sequence order: Kafka sees each partnership's events in the order they happened.
    while (unpublished.length > 0) {
      const batch = unpublished.slice(0, PUBLISH_BATCH);
      await publishLifecycleEvents({ partnershipId: input.partnershipId, events: batch });
      unpublished.splice(0, batch.length);
      published = batch[batch.length - 1]?.metadata.sequence ?? published;
    }
  }

  // Registration comes before any handler: setHandler runs updates that arrived with the first task at once.
  if (input.registration !== undefined) {
    apply(toCommand({ type: 'RegisterPartnership', ...input.registration }));
  } else if (input.carried === undefined) {
    throw ApplicationFailure.nonRetryable('a lifecycle starts with a registration or carries over a previous run', 'invalid_command');
  }

  setHandler(partnershipStateQuery, () => view(state));

  for (const type of OPERATOR_COMMAND_TYPES) {
    setHandler(
      commandUpdates[type],
      async (command: OperatorCommand): Promise<CommandResult> => {
        const events = apply(toCommand({ ...command, type }, currentUpdateInfo()?.id));
        const last = events[events.length - 1]?.metadata.sequence ?? state.sequence;
        // Answer once the events are on the log, so a caller can wait for read models to catch up with them.
        await condition(() => published >= last);
        return {
          events: events.map((e) => ({ id: eventId(input.partnershipId, e.metadata.sequence), type: e.type, sequence: e.metadata.sequence })),
          state: view(state),
        };
      },
      {
        // A refused command is rejected here, before anything is written to history.
        validator: (command: OperatorCommand) => {
          if (command.type !== type) throw refusal({ code: 'invalid_command', message: `this is the ${type} update; got a ${command.type} command` });
          const decision = decide(toCommand({ ...command, type }), state);
          if (!decision.ok) throw refusal(decision.error);
        },
      },
    );
  }

  for (;;) {
    await publishAll();
    if (isClosed(state)) break;

    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      await publishAll();
      await continueAsNew<typeof partnershipLifecycleWorkflow>({
        partnershipId: input.partnershipId,
        carried: { state, unpublished, skipped: [...skipped] },
      });
    }

    const next = scheduledCommands(state).find((entry) => !skipped.has(scheduleKey(entry)));
    const seen = state.sequence;
    const waitMs = next === undefined ? undefined : Date.parse(next.at) - Date.now();
    if (waitMs === undefined) {
      await condition(() => state.sequence !== seen || unpublished.length > 0);
      continue;
    }
    // condition(fn, 0) would wait forever; a step already due fires now.
    const woke = waitMs > 0 ? await condition(() => state.sequence !== seen || unpublished.length > 0, waitMs) : false;
    if (woke || next === undefined) continue;

    const command = toCommand({ type: next.command.type, data: next.command.data, actor: SYSTEM_ACTOR });
    const decision = decide(command, state);
    if (decision.ok) {
      apply(command);
    } else if (decision.error.code === 'not_due_yet') {
      // The clock can trail a timer by a hair; wait a second rather than lose the step.
      await sleep(1000);
    } else {
      log.warn('a scheduled command was refused; skipping it', { command: next.command.type, at: next.at, reason: decision.error.message });
      skipped.add(scheduleKey(next));
    }
  }

  await condition(allHandlersFinished);
  await publishAll();
  return view(state);
}
