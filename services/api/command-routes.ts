import type { OperatorCommandType } from '../../workflows/messages';
import type { Principal } from '../auth/tokens';
import { COMMAND, type CommandContract, type CommandOperationId } from '../contract/commands';
import { splitEscalationRef } from '../contract/params';

/** The server's side of a command route: which command it sends, to which lifecycle. The rest is the contract's. */
interface CommandServing {
  command: OperatorCommandType | 'RegisterPartnership';
  /** Where the partnership id comes from. */
  partnership: (params: Record<string, string>) => string;
  /** Data the path says beyond `fromPath` (the escalation id inside a global escalation reference). */
  pathData?: (params: Record<string, string>) => Record<string, unknown>;
}

/** A route that sends one command to a lifecycle: its contract and how the server serves it. */
export type CommandRoute = CommandContract & CommandServing;

const byId = (p: Record<string, string>) => p.id as string;

const SERVING: Record<CommandOperationId, CommandServing> = {
  registerPartnership: { command: 'RegisterPartnership', partnership: () => '' },
  submitScreeningScores: { command: 'SubmitScreeningScore', partnership: byId },
  decideGate: { command: 'DecideGate', partnership: byId },
  assignTask: { command: 'AssignTask', partnership: byId },
  completeTask: { command: 'CompleteTask', partnership: byId },
  moveDeadline: { command: 'MoveDeadline', partnership: byId },
  recordFinding: { command: 'RecordFinding', partnership: byId },
  addRisk: { command: 'AddRisk', partnership: byId },
  updateRisk: { command: 'UpdateRisk', partnership: byId },
  recordKpi: { command: 'RecordKpi', partnership: byId },
  raiseIssue: { command: 'RaiseIssue', partnership: byId },
  resolveIssue: { command: 'ResolveIssue', partnership: byId },
  decideRenewal: { command: 'DecideRenewal', partnership: byId },
  serveNotice: { command: 'ServeNotice', partnership: byId },
  acknowledgeEscalation: {
    command: 'AcknowledgeEscalation',
    partnership: (p) => splitEscalationRef(p.escalationId as string).partnershipId,
    pathData: (p) => ({ escalationId: splitEscalationRef(p.escalationId as string).escalationId }),
  },
};

/** Every command route of the API, in the contract's order. */
export const COMMAND_ROUTES: readonly CommandRoute[] = (Object.keys(COMMAND) as CommandOperationId[]).map((id) => ({ ...COMMAND[id], ...SERVING[id] }));

/** Fills the command's data from the body, the path (`fromPath`, `pathData`) and the caller. */
export function commandData(route: CommandRoute, params: Record<string, string>, body: Record<string, unknown>, principal: Principal): Record<string, unknown> {
  const data: Record<string, unknown> = { ...body };
  for (const [field, param] of Object.entries(route.fromPath)) data[field] = params[param];
  Object.assign(data, route.pathData?.(params));
  for (const field of route.defaultsToCaller ?? []) if (data[field] === undefined) data[field] = principal.name;
  return data;
}
