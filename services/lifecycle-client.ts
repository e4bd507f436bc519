import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { partnershipWorkflowId, TASK_QUEUE } from '../domain/names';
import type { Policy } from '../domain/policy';
import type { Actor } from '../domain/roles';
import type { partnershipLifecycleWorkflow } from '../workflows/lifecycle';
import { commandUpdates, partnershipStateQuery, type CommandResult, type LifecycleView, type OperatorCommand, type OperatorCommandType } from '../workflows/messages';

/** A refusal from the lifecycle (invalid transition, wrong role, bad field), with the domain's code and message. */
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

  /** Registers a partnership: starts its lifecycle workflow, whose id derives from the partnership id. */
  async register(registration: { partnershipId: string } & Record<string, unknown>, actor: Actor): Promise<WorkflowHandleWithFirstExecutionRunId<typeof partnershipLifecycleWorkflow>> {
    try {
      return await this.client.workflow.start<typeof partnershipLifecycleWorkflow>('partnershipLifecycleWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: partnershipWorkflowId(registration.partnershipId),
        args: [
          {
            partnershipId: registration.partnershipId,
            registration: { data: registration.policy === undefined && this.policy !== undefined ? { ...registration, policy: this.policy } : registration, actor },
          },
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CommandRefused('already_registered', `partnership ${registration.partnershipId} is already registered`);
      }
      throw err;
    }
  }

  /** Sends an operator command as a Temporal Update; a refusal becomes CommandRefused and leaves no trace in history. */
  async command<T extends OperatorCommandType>(partnershipId: string, type: T, data: unknown, actor: Actor): Promise<CommandResult> {
    const command: OperatorCommand<T> = { type, data, actor };
    try {
      return await this.handle(partnershipId).executeUpdate(commandUpdates[type], { args: [command] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        throw new CommandRefused(err.cause.type ?? 'refused', err.cause.message);
      }
      throw err;
    }
  }

  /** The live lifecycle state. */
  state(partnershipId: string): Promise<LifecycleView> {
    return this.handle(partnershipId).query(partnershipStateQuery);
  }
}
