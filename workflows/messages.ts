import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CommandType, SYSTEM_COMMAND_TYPES } from '../domain/commands';
import type { view } from '../domain/lifecycle';
import type { Actor } from '../domain/roles';

// Message definitions live apart from workflow code, so the API and CLI import them without pulling in the workflow.

/** Commands people send to a running lifecycle (registration starts the workflow; system commands come from its timers). */
export type OperatorCommandType = Exclude<CommandType, 'RegisterPartnership' | (typeof SYSTEM_COMMAND_TYPES)[number]>;

export const OPERATOR_COMMAND_TYPES = [
  'SubmitScreeningScore',
  'DecideGate',
  'AssignTask',
  'CompleteTask',
  'MoveDeadline',
  'RecordFinding',
  'AddRisk',
  'UpdateRisk',
  'RecordKpi',
  'RaiseIssue',
  'ResolveIssue',
  'AcknowledgeEscalation',
  'DecideRenewal',
  'ServeNotice',
] as const satisfies readonly OperatorCommandType[];

/** What the state query returns. */
export type LifecycleView = ReturnType<typeof view>;

/** What an operator sends: the command's data and who acts. The lifecycle stamps the time and the command id itself. */
export interface OperatorCommand<T extends OperatorCommandType = OperatorCommandType> {
  type: T;
  data: unknown;
  actor: Actor;
}

/** The answer to an accepted command: the events it recorded, and the state after them. */
export interface CommandResult {
  events: Array<{ id: string; type: string; sequence: number }>;
  state: LifecycleView;
}

/** One Update per command type, named after it, so the Temporal UI's history reads as the lifecycle's story. */
export const commandUpdates = Object.fromEntries(OPERATOR_COMMAND_TYPES.map((type) => [type, defineUpdate<CommandResult, [OperatorCommand]>(type)])) as {
  [T in OperatorCommandType]: ReturnType<typeof defineUpdate<CommandResult, [OperatorCommand<T>]>>;
};

/** The live lifecycle state: stage, open tasks, escalations, scores, risks, contract, policy version, last sequence. */
export const partnershipStateQuery = defineQuery<LifecycleView>('partnershipState');
