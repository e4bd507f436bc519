import { ESCALATION_COMMANDS } from './commands/escalations';
import { GATE_COMMANDS } from './commands/gates';
import { ISSUE_COMMANDS } from './commands/issues';
import { KPI_COMMANDS } from './commands/kpis';
import { MAINTENANCE_COMMANDS } from './commands/maintenance';
import { PARTNERSHIP_COMMANDS } from './commands/partnerships';
import { RENEWAL_COMMANDS } from './commands/renewal';
import { REPORT_COMMANDS } from './commands/reports';
import { RISK_COMMANDS } from './commands/risks';
import { TASK_COMMANDS } from './commands/tasks';
import { TOKEN_COMMANDS } from './commands/tokens';
import type { CommandSpec } from './spec';

/** Every command, in the order `partnerflow --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  ...PARTNERSHIP_COMMANDS,
  ...GATE_COMMANDS,
  ...TASK_COMMANDS,
  ...RISK_COMMANDS,
  ...KPI_COMMANDS,
  ...ISSUE_COMMANDS,
  ...RENEWAL_COMMANDS,
  ...ESCALATION_COMMANDS,
  ...REPORT_COMMANDS,
  ...TOKEN_COMMANDS,
  ...MAINTENANCE_COMMANDS,
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The groups (`partnerships`, `task`…) and their subcommands. */
export function subcommandsOf(group: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `));
}
