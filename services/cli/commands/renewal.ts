import { COMMAND } from '../../contract/commands';
import { one, oneOf, body, contractOf, CONTRACT_HELP, CONTRACT_OPTIONS } from '../flags';
import { apiWrite, type CommandSpec } from '../spec';

/* `renewal` and `exit`: the end of a term. */

export const RENEWAL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'renewal',
    synopsis: '<id> renew|renegotiate|exit --rationale <text> [--term <dur>] [renegotiate: contract options] [exit: --notice-period <dur>]',
    summary: 'decide at the renewal review: renew, renegotiate (a new contract) or exit (serves notice)',
    help: [
      '--rationale <text>',
      "--term <dur>             renew: the new term, ISO 8601 duration (default: the contract's)",
      ...CONTRACT_HELP,
      '                         (exit: --notice-period alone sets the notice period)',
    ],
    options: { rationale: { type: 'string' }, term: { type: 'string' }, ...CONTRACT_OPTIONS },
    args: [2, 2],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, decisionArg] = p.args as [string, string];
      const decision = oneOf(decisionArg, ['renew', 'renegotiate', 'exit'] as const, 'the decision', c);
      const b = body(
        p,
        c,
        {
          decision,
          rationale: one(p, 'rationale'),
          term: one(p, 'term'),
          contract: decision === 'renegotiate' ? contractOf(p, c) : undefined,
          noticePeriod: decision === 'exit' ? one(p, 'notice-period') : undefined,
        },
        decision === 'renegotiate'
          ? [
              ['rationale', '--rationale'],
              ['contract', '--contract-start and --contract-end'],
            ]
          : [['rationale', '--rationale']],
      );
      return apiWrite(COMMAND.decideRenewal, { id }, b, `renewal decided: ${decision}`);
    },
  },
  {
    name: 'exit',
    synopsis: '<id> --reason <text> [--notice-period <dur>]',
    summary: 'serve notice of exit (the notice period starts now)',
    help: ['--reason <text>', "--notice-period <dur>    ISO 8601 duration (default: the contract's)"],
    options: { reason: { type: 'string' }, 'notice-period': { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const id = p.args[0] as string;
      const b = body(p, c, { reason: one(p, 'reason'), noticePeriod: one(p, 'notice-period') }, [['reason', '--reason']]);
      return apiWrite(COMMAND.serveNotice, { id }, b, 'notice served');
    },
  },
];
