import { healthDimensionSchema } from '../../../domain/model';
import { COMMAND } from '../../contract/commands';
import { one, many, pairs, numberOf, oneOf, isoTime, compact, body } from '../flags';
import { apiWrite, type CommandSpec } from '../spec';

/* `task …`: assign, complete and reschedule open tasks. */

export const TASK_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'task assign',
    synopsis: '<id> <taskId> --owner <person>',
    summary: 'give an open task to someone else',
    help: ['--owner <person>         the new owner'],
    options: { owner: { type: 'string' } },
    args: [2, 2],
    write: true,
    plan(p) {
      const [id, taskId] = p.args as [string, string];
      const b = body(p, this.name, { owner: one(p, 'owner') }, [['owner', '--owner']]);
      return apiWrite(COMMAND.assignTask, { id, taskId }, b, `task ${taskId} assigned to ${String(b.owner)}`);
    },
  },
  {
    name: 'task complete',
    synopsis: '<id> <taskId> [--note <text>] [--kpi <kpi=value>...] [--health <dimension=1-5>...] [--summary <text>] [--recommendation <r>]',
    summary: 'complete a checklist item or a review (a review carries KPI values and health ratings)',
    help: [
      '--note <text>',
      '--kpi <kpi=value>        repeatable: a KPI value recorded by the review',
      `--health <dim=1-5>       repeatable: ${healthDimensionSchema.options.join(', ')}`,
      '--summary <text>         the review summary',
      '--recommendation <r>     renew | expand | terminate',
    ],
    options: {
      note: { type: 'string' },
      kpi: { type: 'string', multiple: true },
      health: { type: 'string', multiple: true },
      summary: { type: 'string' },
      recommendation: { type: 'string' },
    },
    args: [2, 2],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, taskId] = p.args as [string, string];
      const kpiValues = pairs(many(p, 'kpi'), 'kpi', c).map(([k, v]) => [k, numberOf(v, `the value of KPI ${k}`, c)] as const);
      const health = pairs(many(p, 'health'), 'health', c).map(
        ([k, v]) => [oneOf(k, healthDimensionSchema.options, 'a health dimension', c), numberOf(v, `the rating of ${k}`, c)] as const,
      );
      const summary = one(p, 'summary');
      const recommendation = one(p, 'recommendation');
      const review =
        kpiValues.length > 0 || health.length > 0 || summary !== undefined || recommendation !== undefined
          ? compact({
              kpiValues: kpiValues.length > 0 ? Object.fromEntries(kpiValues) : undefined,
              healthRatings: health.length > 0 ? Object.fromEntries(health) : undefined,
              summary,
              recommendation:
                recommendation === undefined ? undefined : oneOf(recommendation, ['renew', 'expand', 'terminate'] as const, '--recommendation', c),
            })
          : undefined;
      const b = body(p, c, { note: one(p, 'note'), review });
      return apiWrite(COMMAND.completeTask, { id, taskId }, b, `task ${taskId} completed`);
    },
  },
  {
    name: 'task deadline',
    synopsis: '<id> <taskId> --due <time> --reason <text>',
    summary: "move an open task's due date (its escalation ladder is planned again)",
    help: ['--due <time>             the new due date (ISO 8601; sent as UTC)', '--reason <text>          why it moves'],
    options: { due: { type: 'string' }, reason: { type: 'string' } },
    args: [2, 2],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, taskId] = p.args as [string, string];
      const due = one(p, 'due');
      const b = body(p, c, { dueAt: due === undefined ? undefined : isoTime(due, '--due', c), reason: one(p, 'reason') }, [
        ['dueAt', '--due'],
        ['reason', '--reason'],
      ]);
      return apiWrite(COMMAND.moveDeadline, { id, taskId }, b, `task ${taskId} now due ${String(b.dueAt)}`);
    },
  },
];
