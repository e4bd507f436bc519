import { COMMAND } from '../../contract/commands';
import { one, numberOf, body } from '../flags';
import { apiWrite, type CommandSpec } from '../spec';

/* `kpi record`: KPI values. */

export const KPI_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'kpi record',
    synopsis: '<id> <kpiId> <value> [--note <text>]',
    summary: 'record a value of a KPI defined at launch',
    help: ['--note <text>'],
    options: { note: { type: 'string' } },
    args: [3, 3],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, kpiId, value] = p.args as [string, string, string];
      const b = body(p, c, { kpiId, value: numberOf(value, `the value of KPI ${kpiId}`, c), note: one(p, 'note') });
      return apiWrite(COMMAND.recordKpi, { id }, b, `KPI ${kpiId} recorded`);
    },
  },
];
