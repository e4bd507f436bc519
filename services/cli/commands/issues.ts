import { issueSeveritySchema } from '../../../domain/policy/schema';
import { COMMAND } from '../../contract/commands';
import { one, oneOf, isoTime, body } from '../flags';
import { apiWrite, type CommandSpec } from '../spec';

/* `issue …`: raise and resolve issues. */

export const ISSUE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'issue raise',
    synopsis: '<id> --title <text> --severity <s> [--description <text>] [--owner <person>] [--due <time>]',
    summary: 'raise an issue (a task that climbs the escalation ladder until resolved)',
    help: [
      '--title <text>',
      `--severity <s>           ${issueSeveritySchema.options.join(' | ')} (sets the due date from the policy)`,
      '--description <text>',
      '--owner <person>         default: the partnership owner',
      "--due <time>             instead of the severity's resolution time (ISO 8601)",
    ],
    options: { title: { type: 'string' }, severity: { type: 'string' }, description: { type: 'string' }, owner: { type: 'string' }, due: { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const id = p.args[0] as string;
      const severity = one(p, 'severity');
      const due = one(p, 'due');
      const b = body(
        p,
        c,
        {
          title: one(p, 'title'),
          severity: severity === undefined ? undefined : oneOf(severity, issueSeveritySchema.options, '--severity', c),
          description: one(p, 'description'),
          owner: one(p, 'owner'),
          dueAt: due === undefined ? undefined : isoTime(due, '--due', c),
        },
        [
          ['title', '--title'],
          ['severity', '--severity'],
        ],
      );
      return apiWrite(COMMAND.raiseIssue, { id }, b, 'issue raised');
    },
  },
  {
    name: 'issue resolve',
    synopsis: '<id> <issueId> --resolution <text>',
    summary: 'resolve an open issue',
    help: ['--resolution <text>      what was done'],
    options: { resolution: { type: 'string' } },
    args: [2, 2],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, issueId] = p.args as [string, string];
      const b = body(p, c, { resolution: one(p, 'resolution') }, [['resolution', '--resolution']]);
      return apiWrite(COMMAND.resolveIssue, { id, issueId }, b, `issue ${issueId} resolved`);
    },
  },
];
