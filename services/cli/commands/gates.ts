import { kpiFamilySchema, gateIdSchema } from '../../../domain/model';
import { COMMAND } from '../../contract/commands';
import { one, many, pairs, numberOf, oneOf, body, contractOf, kpiDefinition, CONTRACT_HELP, CONTRACT_OPTIONS } from '../flags';
import { apiWrite, type CommandSpec } from '../spec';

/* `score` and `gate`: screening scores and gate decisions. */

export const GATE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'score',
    synopsis: '<id> --criterion <criterion=score>... [--evaluator <person>]',
    summary: "submit an evaluator's screening scores (1–5 per criterion)",
    help: ['--criterion <id=score>   repeatable, one per criterion of the policy', "--evaluator <person>     default: you (the token's person)"],
    options: { criterion: { type: 'string', multiple: true }, evaluator: { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const scores = pairs(many(p, 'criterion'), 'criterion', c).map(([k, v]) => [k, numberOf(v, `the score of ${k}`, c)] as const);
      const b = body(p, c, { evaluator: one(p, 'evaluator'), scores: scores.length > 0 ? Object.fromEntries(scores) : undefined }, [['scores', '--criterion']]);
      const id = p.args[0] as string;
      return apiWrite(COMMAND.submitScreeningScores, { id }, b, `scores submitted for ${id}`);
    },
  },
  {
    name: 'gate',
    synopsis: '<id> <gate> advance|reject --rationale <text> [launch: contract and --kpi options]',
    summary: `decide a gate (${gateIdSchema.options.join(', ')})`,
    help: [
      '--rationale <text>       why (recorded with the decision)',
      '--kpi <id:name:family:target[:unit]>   repeatable; advancing the launch gate needs at least one',
      `                         families: ${kpiFamilySchema.options.join(', ')}`,
      ...CONTRACT_HELP,
    ],
    options: { rationale: { type: 'string' }, kpi: { type: 'string', multiple: true }, ...CONTRACT_OPTIONS },
    args: [3, 3],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, gateArg, outcomeArg] = p.args as [string, string, string];
      const gate = oneOf(gateArg, gateIdSchema.options, 'the gate', c);
      const outcome = oneOf(outcomeArg, ['advance', 'reject'] as const, 'the decision', c);
      const kpis = many(p, 'kpi').map((k) => kpiDefinition(k, c));
      const b = body(p, c, { outcome, rationale: one(p, 'rationale'), contract: contractOf(p, c), kpis: kpis.length > 0 ? kpis : undefined }, [
        ['rationale', '--rationale'],
      ]);
      return apiWrite(COMMAND.decideGate, { id, gate }, b, `${gate} gate: ${outcome === 'advance' ? 'advanced' : 'rejected'}`);
    },
  },
];
