import { roleSchema } from '../../../domain/roles';
import { usageError } from '../errors';
import { one, many, oneOf } from '../flags';
import { type CommandSpec } from '../spec';

/* `tokens …`: API tokens, kept in Redis (done here, not through the API). */

export const TOKEN_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'tokens create',
    synopsis: '--name <person> --role <role> [--role <role>]... [--expires-in-days <n>]',
    summary: 'create an API token (printed once; talks to Redis directly: no API token needed)',
    help: [
      `--name <person>          the person, as the lifecycle names them`,
      `--role <role>            repeatable: ${roleSchema.options.join(', ')}`,
      `--expires-in-days <n>    the token stops working after n days (1–3650; default: until revoked)`,
    ],
    options: { name: { type: 'string' }, role: { type: 'string', multiple: true }, 'expires-in-days': { type: 'string' } },
    args: [0, 0],
    plan(p) {
      const c = this.name;
      const name = one(p, 'name');
      const roles = many(p, 'role');
      const missing = [name === undefined || name.trim() === '' ? '--name' : undefined, roles.length === 0 ? '--role' : undefined].filter(
        (m) => m !== undefined,
      );
      if (missing.length > 0) throw usageError(`missing ${missing.join(', ')}`, c);
      for (const r of roles) oneOf(r, roleSchema.options, '--role', c);
      const days = one(p, 'expires-in-days');
      if (days !== undefined && !(/^\d{1,4}$/.test(days) && Number(days) >= 1 && Number(days) <= 3650))
        throw usageError('--expires-in-days takes a whole number of days from 1 to 3650', c);
      return {
        kind: 'local',
        action: { type: 'tokens.create', name: (name as string).trim(), roles, ...(days === undefined ? {} : { expiresInDays: Number(days) }) },
      };
    },
  },
  {
    name: 'tokens revoke',
    synopsis: '<tokenId|name>',
    summary: 'revoke a token by id, or every token of a person by name (next request fails)',
    help: [],
    options: {},
    args: [1, 1],
    plan: (p) => ({ kind: 'local', action: { type: 'tokens.revoke', idOrName: p.args[0] as string } }),
  },
  {
    name: 'tokens list',
    synopsis: '',
    summary: 'every token (id, person, roles, created at; never the secret)',
    help: [],
    options: {},
    args: [0, 0],
    plan: () => ({ kind: 'local', action: { type: 'tokens.list' } }),
  },
];
