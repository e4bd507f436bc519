import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { eventId } from '../domain/cloudevent';
import type { CommandInput } from '../domain/commands';
import { decide, initialState } from '../domain/lifecycle';
import { partnershipWorkflowId, TASK_QUEUE } from '../domain/names';
import type { Policy } from '../domain/policy';
import type { Actor } from '../domain/roles';
import type { partnershipLifecycleWorkflow } from '../workflows/lifecycle';
import {
  commandUpdates,
  partnershipStateQuery,
  type CommandResult,
  type LifecycleView,
  type OperatorCommand,
  type OperatorCommandType,
} from '../workflows/messages';
import { API_PREFIX } from './contract/paths';

/** A refusal from the lifecycle (invalid transition, wrong role, bad field, unknown partnership), with the domain's code. */
export class CommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRefused';
  }
}

/** The client side of a lifecycle: start one, send it commands, read its state. Used by the API, the CLI and tests. */
export class LifecycleClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string = TASK_QUEUE,
    /** The policy in force, pinned to partnerships registered without one of their own. */
    private readonly policy?: Policy,
  ) {}

  handle(partnershipId: string): WorkflowHandle {
    return this.client.workflow.getHandle(partnershipWorkflowId(partnershipId));
  }

  /**
   * Registers a partnership: starts its lifecycle workflow, whose id derives from the partnership id. The registration
   * is decided here first, with the same pure decider the workflow runs, so a refused one starts nothing. A partnership
   * id is never reused, not even after its lifecycle has closed: its events' ids derive from it.
   */
  async register(
    registration: { partnershipId: string } & Record<string, unknown>,
    actor: Actor,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof partnershipLifecycleWorkflow>> {
    return (await this.start(registration, actor)).handle;
  }

  /** Registers, then answers like a command: the events recorded and the live state after them. */
  async registerWithResult(registration: { partnershipId: string } & Record<string, unknown>, actor: Actor): Promise<CommandResult> {
    const { events } = await this.start(registration, actor);
    return { events, state: await this.state(registration.partnershipId) };
  }

  private async start(registration: { partnershipId: string } & Record<string, unknown>, actor: Actor) {
    const data = registration.policy === undefined && this.policy !== undefined ? { ...registration, policy: this.policy } : registration;
    const decision = decide({ type: 'RegisterPartnership', data, metadata: { actor, now: new Date().toISOString() } } as CommandInput, initialState);
    if (!decision.ok) throw new CommandRefused(decision.error.code, decision.error.message);
    try {
      const handle = await this.client.workflow.start<typeof partnershipLifecycleWorkflow>('partnershipLifecycleWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: partnershipWorkflowId(registration.partnershipId),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [{ partnershipId: registration.partnershipId, registration: { data, actor } }],
      });
      const events = decision.events.map((e) => ({
        id: eventId(registration.partnershipId, e.metadata.sequence),
        type: e.type,
        sequence: e.metadata.sequence,
      }));
      return { handle, events };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CommandRefused('already_registered', `partnership ${registration.partnershipId} is already registered; pick another id`);
      }
      throw err;
    }
  }

  /**
   * Sends an operator command as a Temporal Update; a refusal becomes CommandRefused and leaves no trace in history.
   * `updateId` makes a retried command idempotent: Temporal answers a repeated id with the first outcome.
   */
  async command<T extends OperatorCommandType>(
    partnershipId: string,
    type: T,
    data: unknown,
    actor: Actor,
    opts: { updateId?: string } = {},
  ): Promise<CommandResult> {
    const command: OperatorCommand<T> = { type, data, actor };
    try {
      return await this.handle(partnershipId).executeUpdate(commandUpdates[type], {
        args: [command],
        ...(opts.updateId === undefined ? {} : { updateId: opts.updateId }),
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        throw new CommandRefused(err.cause.type ?? 'refused', err.cause.message);
      }
      throw await this.notFound(partnershipId, err);
    }
  }

  /** The live lifecycle state. */
  async state(partnershipId: string): Promise<LifecycleView> {
    try {
      return await this.handle(partnershipId).query(partnershipStateQuery);
    } catch (err) {
      throw await this.notFound(partnershipId, err);
    }
  }

  /** A missing workflow means an unknown partnership; a closed one a partnership whose lifecycle has ended. */
  private async notFound(partnershipId: string, err: unknown): Promise<unknown> {
    if (!(err instanceof WorkflowNotFoundError) && !/workflow execution already completed|not found/i.test(String((err as Error)?.message))) return err;
    try {
      const described = await this.handle(partnershipId).describe();
      if (described.status.name !== 'RUNNING') {
        return new CommandRefused(
          'partnership_closed',
          `partnership ${partnershipId} is closed (its lifecycle ${described.status.name.toLowerCase()}); it takes no more commands`,
        );
      }
      return err;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError)
        return new CommandRefused('not_registered', `there is no partnership ${partnershipId}; check the id (GET ${API_PREFIX}/partnerships lists them)`);
      return e;
    }
  }
}
