import { riskCategorySchema, riskStatusSchema } from '../../../domain/model';
import { COMMAND } from '../../contract/commands';
import { usageError } from '../errors';
import { one, many, numberOf, oneOf, body } from '../flags';
import { apiWrite, type CommandSpec, type Options, type Parsed } from '../spec';

/* `finding` and `risk …`: the risk register. */

/** The flags of a risk: add, update and findings share them. */
const RISK_OPTIONS: Options = {
  title: { type: 'string' },
  category: { type: 'string' },
  likelihood: { type: 'string' },
  impact: { type: 'string' },
  owner: { type: 'string' },
  mitigation: { type: 'string', multiple: true },
};
const RISK_REQUIRED: ReadonlyArray<readonly [string, string]> = [
  ['title', '--title'],
  ['category', '--category'],
  ['likelihood', '--likelihood'],
  ['impact', '--impact'],
];

/** The risk fields given by flags (checked here where a typo is likely: the category and the 1–5 ratings). */
function riskFields(p: Parsed, command: string): Record<string, unknown> {
  const category = one(p, 'category');
  const rating = (flagName: string) => {
    const v = one(p, flagName);
    if (v === undefined) return undefined;
    const n = numberOf(v, `--${flagName}`, command);
    if (!Number.isInteger(n) || n < 1 || n > 5) throw usageError(`--${flagName} is a rating from 1 to 5, got "${v}"`, command);
    return n;
  };
  const mitigation = many(p, 'mitigation');
  return {
    title: one(p, 'title'),
    category: category === undefined ? undefined : oneOf(category, riskCategorySchema.options, '--category', command),
    likelihood: rating('likelihood'),
    impact: rating('impact'),
    owner: one(p, 'owner'),
    mitigation: mitigation.length > 0 ? mitigation : undefined,
  };
}

export const RISK_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'finding',
    synopsis:
      '<id> --title <text> --category <c> --likelihood <1-5> --impact <1-5> [--task <taskId>] [--detail <text>] [--owner <person>] [--mitigation <text>...]',
    summary: 'record a due-diligence finding (it enters the risk register)',
    help: [
      '--title <text>',
      `--category <c>           ${riskCategorySchema.options.join(' | ')}`,
      '--likelihood <1-5>, --impact <1-5>   severity is likelihood × impact',
      '--task <taskId>          the checklist item it came from',
      '--detail <text>',
      '--owner <person>         who owns the risk (default: the partnership owner)',
      '--mitigation <text>      repeatable',
    ],
    options: { ...RISK_OPTIONS, task: { type: 'string' }, detail: { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const id = p.args[0] as string;
      const b = body(p, c, { ...riskFields(p, c), taskId: one(p, 'task'), detail: one(p, 'detail') }, RISK_REQUIRED);
      return apiWrite(COMMAND.recordFinding, { id }, b, 'finding recorded');
    },
  },
  {
    name: 'risk add',
    synopsis: '<id> --title <text> --category <c> --likelihood <1-5> --impact <1-5> --owner <person> [--mitigation <text>...]',
    summary: 'add a risk to the register',
    help: [
      '--title <text>',
      `--category <c>           ${riskCategorySchema.options.join(' | ')}`,
      '--likelihood <1-5>, --impact <1-5>',
      '--owner <person>',
      '--mitigation <text>      repeatable',
    ],
    options: RISK_OPTIONS,
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const id = p.args[0] as string;
      const b = body(p, c, riskFields(p, c), [...RISK_REQUIRED, ['owner', '--owner']]);
      return apiWrite(COMMAND.addRisk, { id }, b, 'risk added');
    },
  },
  {
    name: 'risk update',
    synopsis: '<id> <riskId> [--likelihood <1-5>] [--impact <1-5>] [--owner <person>] [--mitigation <text>...] [--status <s>] [--note <text>]',
    summary: "change a risk's rating, owner, mitigation or status",
    help: [
      '--likelihood <1-5>, --impact <1-5>',
      '--owner <person>',
      '--mitigation <text>      repeatable; replaces the list',
      `--status <s>             ${riskStatusSchema.options.join(' | ')}`,
      '--note <text>',
    ],
    options: { ...RISK_OPTIONS, status: { type: 'string' }, note: { type: 'string' } },
    args: [2, 2],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, riskId] = p.args as [string, string];
      const status = one(p, 'status');
      const b = body(p, c, {
        ...riskFields(p, c),
        status: status === undefined ? undefined : oneOf(status, riskStatusSchema.options, '--status', c),
        note: one(p, 'note'),
      });
      if (['likelihood', 'impact', 'owner', 'mitigation', 'status'].every((f) => b[f] === undefined)) {
        throw usageError('nothing to change: give --likelihood, --impact, --owner, --mitigation or --status', c);
      }
      return apiWrite(COMMAND.updateRisk, { id, riskId }, b, `risk ${riskId} updated`);
    },
  },
];
