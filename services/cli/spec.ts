import type { ParseArgsConfig } from 'node:util';
import { bodyIssues } from '../contract/body';
import type { CommandContract } from '../contract/commands';
import { pathOf, type ParamsOf } from '../contract/paths';
import { validationFailure } from '../contract/problems';
import type { ReadContract } from '../contract/reads';
import type { ApiRequest } from './client';
import { problemError } from './errors';
import type { JsonObject } from './json';
import * as render from './render';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** A command line once parsed against its command's options. */
export interface Parsed {
  values: Values;
  /** Positional arguments after the command words. */
  args: string[];
}

/** The command route a request sends, and the path's values: what its body is checked against before it is sent. */
export interface SentCommand {
  route: CommandContract;
  params: Readonly<Record<string, string>>;
}

/** What a command does: one API request rendered by `render`, or something done here (Redis, files, projections). */
export type Plan = { kind: 'api'; request: ApiRequest; render: render.Renderer; command?: SentCommand } | { kind: 'local'; action: LocalAction };

/** The commands that do not go through the API. */
export type LocalAction =
  | { type: 'tokens.create'; name: string; roles: string[]; expiresInDays?: number }
  | { type: 'tokens.revoke'; idOrName: string }
  | { type: 'tokens.list' }
  | { type: 'policy.validate'; file: string }
  | { type: 'projections'; argv: string[] };

export interface CommandSpec {
  /** The command words, e.g. `partnerships create`. */
  name: string;
  /** Arguments and flags after the name, for the usage line. */
  synopsis: string;
  summary: string;
  /** Option lines for `--help`. */
  help: string[];
  options: Options;
  /** How many positional arguments it takes. */
  args: [min: number, max: number];
  /** Sends a POST/PATCH: takes `--data` and `--idempotency-key`. */
  write?: boolean;
  /** Reads a read model: takes `--after`. */
  after?: boolean;
  /** Everything after the command words goes to another parser (projections). */
  passthrough?: boolean;
  plan(p: Parsed): Plan;
}

export const GLOBAL_OPTIONS: Options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
const WRITE_OPTIONS: Options = { data: { type: 'string' }, 'idempotency-key': { type: 'string' } };
const AFTER_OPTIONS: Options = { after: { type: 'string' } };

/** Every option a command takes: its own, the global ones, and `--data`/`--idempotency-key`/`--after` where they apply. */
export function optionsOf(spec: CommandSpec): Options {
  return { ...GLOBAL_OPTIONS, ...(spec.write ? WRITE_OPTIONS : {}), ...(spec.after ? AFTER_OPTIONS : {}), ...spec.options };
}

/** A command sent to the API, answered by the command's events and the state after them, headed by `done`. */
export function apiWrite<P extends string>(route: CommandContract<P>, params: Readonly<Record<ParamsOf<P>, string>>, body: JsonObject, done: string): Plan {
  return {
    kind: 'api',
    request: { method: route.method, path: pathOf(route, params), body },
    render: render.commandResult(done),
    command: { route, params },
  };
}

/** A read of the API (the query's undefined values are left out when sent). */
export function apiRead<P extends string>(
  route: ReadContract<P>,
  params: Readonly<Record<ParamsOf<P>, string>>,
  renderer: render.Renderer,
  query?: Record<string, string | undefined>,
): Plan {
  return { kind: 'api', request: { method: 'GET', path: pathOf(route, params), ...(query === undefined ? {} : { query }) }, render: renderer };
}

/**
 * Checks a command's body against its route's schema before it is sent: a value the API would refuse fails here with
 * the API's own answer (the fields at fault, 400 or 422, exit 1), without a round trip. Fields no schema knows (from
 * `--data`) are left for the server to name.
 */
export function checkBody(plan: Plan): void {
  if (plan.kind !== 'api' || plan.command === undefined) return;
  const body = plan.request.body ?? {};
  const issues = bodyIssues(plan.command.route, plan.command.params, body);
  if (issues.length === 0) return;
  const failure = validationFailure('body', issues, body);
  throw problemError(failure.status, failure);
}
