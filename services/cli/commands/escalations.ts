import { COMMAND } from '../../contract/commands';
import { READ } from '../../contract/reads';
import { usageError } from '../errors';
import { one, body, READ_HELP, PAGE_OPTIONS, PAGE_HELP, pageQuery } from '../flags';
import * as render from '../render';
import { apiRead, apiWrite, type CommandSpec } from '../spec';

/* `escalations ack` and `inbox`: what is addressed to you. */

export const ESCALATION_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'escalations ack',
    synopsis: '<partnershipId>/<escalationId> [--note <text>]',
    summary: 'acknowledge an escalation (re-arms its level from now)',
    help: ['the reference is `<partnershipId>/<taskId>:<level>`, as `inbox` and `reports work` list it', '--note <text>'],
    options: { note: { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const ref = p.args[0] as string;
      if (!/^[^/]+\/.+/.test(ref)) throw usageError(`an escalation reference is <partnershipId>/<escalationId>, got "${ref}"`, this.name);
      return apiWrite(COMMAND.acknowledgeEscalation, { escalationId: ref }, body(p, this.name, { note: one(p, 'note') }), `escalation ${ref} acknowledged`);
    },
  },
  {
    name: 'inbox',
    synopsis: '[--limit <n>] [--offset <n>]',
    summary: 'reminders and escalations addressed to you, oldest first',
    help: [PAGE_HELP, READ_HELP],
    options: PAGE_OPTIONS,
    args: [0, 0],
    after: true,
    plan: (p) => apiRead(READ.getInbox, {}, render.inbox, { ...pageQuery(p), after: one(p, 'after') }),
  },
];
