import type { Redis } from 'ioredis';
import type { Policy } from '../../domain/policy';
import type { Role } from '../../domain/roles';
import { createRedis } from '../../platform/clients';
import { ConfigError, loadConfig } from '../../platform/config';
import { loadPolicyFile, PolicyFileError } from '../../platform/policy-file';
import { TokenStore, type TokenInfo } from '../auth/tokens';
import type { LocalAction } from './spec';
import { CliError, EXIT, oneLine } from './errors';
import { keyValues, objectTable } from './table';
import { redactText, redactUrl } from '../../platform/redact';

/** Where a command writes, and what it reads from the environment. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

const print = (io: Io, json: boolean, value: unknown, human: () => string) => io.out(json ? `${JSON.stringify(value, null, 2)}\n` : human());

function configOf(env: NodeJS.ProcessEnv) {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(EXIT.usage, oneLine(e.message));
    throw e;
  }
}

/** The Redis prefix tokens live under: the configuration's (`PARTNERFLOW_REDIS_PREFIX`), as every process reads it. */
export function redisPrefix(env: NodeJS.ProcessEnv): string {
  return configOf(env).redis.prefix;
}

/** Runs `fn` with a Redis connection that fails fast (one attempt) and is always closed. */
async function withRedis<T>(env: NodeJS.ProcessEnv, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const cfg = configOf(env);
  const redis = createRedis(cfg, { probe: true });
  let lastError: Error | undefined;
  redis.on('error', (e: Error) => (lastError = e)); // reported below, once
  try {
    try {
      await redis.connect();
    } catch (e) {
      const cause = lastError ?? (e as Error);
      throw new CliError(EXIT.unavailable, `cannot reach Redis at ${redactUrl(cfg.redis.url)}: ${redactText(oneLine(cause.message))} (set REDIS_URL)`);
    }
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

const tokenRows = (tokens: readonly TokenInfo[]) =>
  objectTable(tokens, [
    ['id', 'tokenId'],
    ['name', 'name'],
    ['roles', 'roles'],
    ['created', 'createdAt'],
    ['expires', 'expiresAt'],
  ]);

/** What `policy validate` says about a valid policy. */
export function policySummary(policy: Policy) {
  const phases = policy.dueDiligence.phases;
  return {
    version: policy.version,
    screeningCriteria: policy.screening.criteria.map((c) => c.id),
    thresholds: policy.screening.thresholds,
    dueDiligence: { preliminary: phases.preliminary.duration, detailed: phases.detailed.duration, final: phases.final.duration },
    launch: policy.launch.duration,
    reviews: { monthly: policy.reviews.monthly.every, quarterly: policy.reviews.quarterly.every, annual: policy.reviews.annual.every },
    escalationLadder: Object.entries(policy.escalation.ladder).map(([level, l]) => `${level}: ${l.addressee} within ${l.responseTime}`),
    renewalLeadTime: policy.renewal.leadTime,
    noticePeriod: policy.contract.noticePeriod,
    kindOverrides: Object.keys(policy.kinds),
    modifiers: Object.keys(policy.modifiers),
  };
}

/** Runs a command that does not go through the API; returns the exit code. */
export async function runLocal(action: LocalAction, io: Io, json: boolean): Promise<number> {
  switch (action.type) {
    case 'tokens.create': {
      const created = await withRedis(io.env, (redis) =>
        new TokenStore(redis, redisPrefix(io.env)).create({
          name: action.name,
          roles: action.roles as Role[],
          ...(action.expiresInDays === undefined ? {} : { expiresInDays: action.expiresInDays }),
        }),
      );
      print(io, json, { token: created.token, ...created.info }, () =>
        [
          `token for ${created.info.name} (${created.info.roles.join(', ')}), id ${created.info.tokenId}:`,
          '',
          `  ${created.token}`,
          '',
          'It is shown only this once: store it now (export PARTNERFLOW_TOKEN=…). Revoke it with partnerflow tokens revoke ' + created.info.tokenId,
          '',
        ].join('\n'),
      );
      return EXIT.ok;
    }
    case 'tokens.revoke': {
      const revoked = await withRedis(io.env, (redis) => new TokenStore(redis, redisPrefix(io.env)).revoke(action.idOrName));
      if (revoked.length === 0) throw new CliError(EXIT.notFound, `no token has the id or name "${action.idOrName}" (see: partnerflow tokens list)`);
      print(io, json, { revoked }, () => `revoked ${revoked.length} token${revoked.length === 1 ? '' : 's'}:\n${tokenRows(revoked)}`);
      return EXIT.ok;
    }
    case 'tokens.list': {
      const tokens = await withRedis(io.env, (redis) => new TokenStore(redis, redisPrefix(io.env)).list());
      print(io, json, tokens, () => tokenRows(tokens));
      return EXIT.ok;
    }
    case 'policy.validate': {
      let policy: Policy;
      try {
        policy = await loadPolicyFile(action.file);
      } catch (e) {
        if (!(e instanceof PolicyFileError)) throw e;
        if (json) io.out(`${JSON.stringify({ valid: false, file: action.file, error: e.message }, null, 2)}\n`);
        throw new CliError(EXIT.refused, oneLine(e.message));
      }
      const summary = policySummary(policy);
      print(io, json, { valid: true, file: action.file, ...summary }, () => {
        const s = summary;
        return `policy ${action.file} is valid: version ${policy.version}\n\n${keyValues([
          ['screening criteria', s.screeningCriteria],
          ['thresholds', `advance ≥ ${s.thresholds.advance}, reject < ${s.thresholds.reject}`],
          ['due diligence', Object.entries(s.dueDiligence).map(([k, v]) => `${k} ${v}`)],
          ['launch', s.launch],
          ['reviews', Object.entries(s.reviews).map(([k, v]) => `${k} every ${v}`)],
          ['renewal lead time', s.renewalLeadTime],
          ['notice period', s.noticePeriod],
          ['kind overrides', s.kindOverrides],
          ['modifiers', s.modifiers],
          ['escalation ladder', s.escalationLadder],
        ])}`;
      });
      return EXIT.ok;
    }
    case 'projections':
      return runProjections(action.argv, io);
  }
}

/** `partnerflow projections …`: the projections CLI itself, its errors as one line. */
async function runProjections(argv: string[], io: Io): Promise<number> {
  configOf(io.env);
  const { projectionsCli, isOperatorError } = await import('../../projections/cli-commands');
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await projectionsCli(argv);
    const code = Number(process.exitCode ?? 0);
    return code;
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true)
      throw new CliError(EXIT.usage, `${oneLine((e as Error).message)} (see: partnerflow projections --help)`);
    if (isOperatorError(e)) throw new CliError(EXIT.refused, oneLine((e as Error).message));
    const text = `${(e as Error).name} ${(e as Error).message}`;
    if (/ECONNREFUSED|Connection|connect|timed? ?out/i.test(text)) throw new CliError(EXIT.unavailable, oneLine((e as Error).message));
    throw e;
  } finally {
    process.exitCode = before;
  }
}
