import { kpiFamilySchema } from '../../domain/model';
import { usageError } from './errors';
import { isObject, type JsonObject } from './json';
import type { Options, Parsed } from './spec';

/** Flags to request fields: the parsing every command group shares. */

export function one(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function many(p: Parsed, name: string): string[] {
  const v = p.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** `k=v` pairs (`--attr region=EMEA`), split at the first separator. */
export function pairs(list: readonly string[], option: string, command: string, sep = '='): Array<[string, string]> {
  return list.map((item) => {
    const at = item.indexOf(sep);
    if (at <= 0) throw usageError(`--${option} takes key${sep}value, got "${item}"`, command);
    return [item.slice(0, at), item.slice(at + 1)];
  });
}

/** A number from a flag, or a usage error naming it. */
export function numberOf(text: string, what: string, command: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw usageError(`${what} must be a number, got "${text}"`, command);
  return n;
}

/** An attribute value as typed: `true`/`false`, a number written canonically (`40`, `2.5`), else the text. */
export function attributeValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && String(n) === text ? n : text;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string, command: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`${what} must be one of ${allowed.join(', ')}; got "${value}"`, command);
  return value as T;
}

/** A time any `Date.parse` reads, sent as UTC ISO 8601. */
export function isoTime(text: string, what: string, command: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw usageError(`${what} must be a date/time such as 2027-03-01T12:00:00Z, got "${text}"`, command);
  return new Date(ms).toISOString();
}

/** `--data '<json>'`: a JSON object merged over the body the flags built. */
export function dataOf(p: Parsed, command: string): JsonObject {
  const text = one(p, 'data');
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw usageError(`--data is not valid JSON: ${(e as Error).message}`, command);
  }
  if (!isObject(parsed)) throw usageError('--data must be a JSON object, e.g. \'{"attributes":{"tier":"gold"}}\'', command);
  return parsed;
}

/** Drops undefined fields. */
export function compact(o: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The body: flags, then `--data` over them; then every required body field must be present (from either). */
export function body(
  p: Parsed,
  command: string,
  built: Record<string, unknown>,
  required: ReadonlyArray<readonly [field: string, flag: string]> = [],
): JsonObject {
  const merged = { ...compact(built), ...dataOf(p, command) };
  const missing = required.filter(([field]) => merged[field] === undefined || merged[field] === '').map(([, f]) => f);
  if (missing.length > 0) throw usageError(`missing ${missing.join(', ')}`, command);
  return merged;
}

/** The contract from `--contract-start/--contract-end/--notice-period/--auto-renew/--renewal-term`, if any is given. */
export function contractOf(p: Parsed, command: string): JsonObject | undefined {
  const start = one(p, 'contract-start');
  const end = one(p, 'contract-end');
  const rest = compact({ noticePeriod: one(p, 'notice-period'), renewalTerm: one(p, 'renewal-term'), autoRenew: flag(p, 'auto-renew') ? true : undefined });
  if (start === undefined && end === undefined && Object.keys(rest).length === 0) return undefined;
  if (start === undefined || end === undefined) throw usageError('a contract needs both --contract-start and --contract-end', command);
  return { start: isoTime(start, '--contract-start', command), end: isoTime(end, '--contract-end', command), ...rest };
}

export const CONTRACT_OPTIONS: Options = {
  'contract-start': { type: 'string' },
  'contract-end': { type: 'string' },
  'notice-period': { type: 'string' },
  'renewal-term': { type: 'string' },
  'auto-renew': { type: 'boolean' },
};
export const CONTRACT_HELP = [
  '--contract-start <time>   contract start (ISO 8601, e.g. 2027-01-01T00:00:00Z)',
  '--contract-end <time>     contract end',
  "--notice-period <dur>     ISO 8601 duration, e.g. P90D (default: the policy's)",
  '--renewal-term <dur>      term of an automatic renewal, e.g. P1Y',
  '--auto-renew              the contract renews automatically at its end',
];

/** `--kpi id:name:family:target[:unit]` at the launch gate. */
export function kpiDefinition(text: string, command: string): JsonObject {
  const parts = text.split(':');
  if (parts.length < 4 || parts.length > 5) throw usageError(`--kpi takes id:name:family:target[:unit], got "${text}"`, command);
  const [id, name, family, target, unit] = parts as [string, string, string, string, string | undefined];
  return compact({
    id,
    name,
    family: oneOf(family, kpiFamilySchema.options, 'a KPI family', command),
    target: numberOf(target, `the target of KPI ${id}`, command),
    unit: unit === '' ? undefined : unit,
  });
}

export const READ_HELP = '--after <event id>     wait (boundedly) until the read model has applied this event (`<id>/<seq>`, as commands print it)';

/** A list command's paging: the options, their help line, and the query of the API's paged lists (`?limit&offset`). */
export const PAGE_OPTIONS = { limit: { type: 'string' }, offset: { type: 'string' } } satisfies Options;
export const PAGE_HELP = '--limit <n>, --offset <n>   paging (default 100 from 0)';
export const pageQuery = (p: Parsed) => ({ limit: one(p, 'limit'), offset: one(p, 'offset') });
