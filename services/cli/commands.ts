import type { ParseArgsConfig } from 'node:util';
import { healthDimensionSchema, kpiFamilySchema, riskCategorySchema, riskStatusSchema } from '../../domain/model';
import { gateIdSchema, structureSchema } from '../../domain/model';
import { issueSeveritySchema, partnershipKindSchema, timelineModifierSchema } from '../../domain/policy/schema';
import { roleSchema } from '../../domain/roles';
import type { ApiRequest } from './client';
import { usageError } from './errors';
import { isObject, type JsonObject } from './json';
import * as render from './render';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** A command line once parsed against its command's options. */
export interface Parsed {
  values: Values;
  /** Positional arguments after the command words. */
  args: string[];
}

/** What a command does: one API request rendered by `render`, or something done here (Redis, files, projections). */
export type Plan = { kind: 'api'; request: ApiRequest; render: render.Renderer } | { kind: 'local'; action: LocalAction };

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

const API = '/api/v1';
const enc = encodeURIComponent;

// ---- reading flags ----------------------------------------------------------------------------------------------

function one(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

function many(p: Parsed, name: string): string[] {
  const v = p.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

function flag(p: Parsed, name: string): boolean {
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

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string, command: string): T {
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
function compact(o: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The body: flags, then `--data` over them; then every required body field must be present (from either). */
function body(p: Parsed, command: string, built: Record<string, unknown>, required: ReadonlyArray<readonly [field: string, flag: string]> = []): JsonObject {
  const merged = { ...compact(built), ...dataOf(p, command) };
  const missing = required.filter(([field]) => merged[field] === undefined || merged[field] === '').map(([, f]) => f);
  if (missing.length > 0) throw usageError(`missing ${missing.join(', ')}`, command);
  return merged;
}

/** The contract from `--contract-start/--contract-end/--notice-period/--auto-renew/--renewal-term`, if any is given. */
function contractOf(p: Parsed, command: string): JsonObject | undefined {
  const start = one(p, 'contract-start');
  const end = one(p, 'contract-end');
  const rest = compact({ noticePeriod: one(p, 'notice-period'), renewalTerm: one(p, 'renewal-term'), autoRenew: flag(p, 'auto-renew') ? true : undefined });
  if (start === undefined && end === undefined && Object.keys(rest).length === 0) return undefined;
  if (start === undefined || end === undefined) throw usageError('a contract needs both --contract-start and --contract-end', command);
  return { start: isoTime(start, '--contract-start', command), end: isoTime(end, '--contract-end', command), ...rest };
}

const CONTRACT_OPTIONS: Options = {
  'contract-start': { type: 'string' },
  'contract-end': { type: 'string' },
  'notice-period': { type: 'string' },
  'renewal-term': { type: 'string' },
  'auto-renew': { type: 'boolean' },
};
const CONTRACT_HELP = [
  '--contract-start <time>   contract start (ISO 8601, e.g. 2027-01-01T00:00:00Z)',
  '--contract-end <time>     contract end',
  '--notice-period <dur>     ISO 8601 duration, e.g. P90D (default: the policy\'s)',
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

/** A write to the API, answered by the command's events and the state after them, headed by `done`. */
function apiWrite(method: 'POST' | 'PATCH', path: string, b: JsonObject, done: string): Plan {
  return { kind: 'api', request: { method, path, body: b }, render: render.commandResult(done) };
}

// ---- the commands -----------------------------------------------------------------------------------------------

const READ_HELP = '--after <event id>     wait (boundedly) until the read model has applied this event (`<id>/<seq>`, as commands print it)';

/** A list command's paging: the options, their help line, and the query of the API's paged lists (`?limit&offset`). */
const PAGE_OPTIONS = { limit: { type: 'string' }, offset: { type: 'string' } } satisfies Options;
const PAGE_HELP = '--limit <n>, --offset <n>   paging (default 100 from 0)';
const pageQuery = (p: Parsed) => ({ limit: one(p, 'limit'), offset: one(p, 'offset') });

/**
 * `partnerships <view> <id>`: a read of one partnership's `GET /partnerships/<id>/<view>`, with `--after` and whatever
 * string options `extra` adds (sent as query parameters of the same names).
 */
function partnershipView(
  view: string,
  summary: string,
  renderer: render.Renderer,
  extra: { synopsis?: string; help?: string[]; options?: Record<string, { type: 'string' }> } = {},
): CommandSpec {
  const options = extra.options ?? {};
  return {
    name: `partnerships ${view}`,
    synopsis: extra.synopsis === undefined ? '<id>' : `<id> ${extra.synopsis}`,
    summary,
    help: [...(extra.help ?? []), READ_HELP],
    options,
    args: [1, 1],
    after: true,
    plan: (p) => {
      const query: Record<string, string | undefined> = {};
      for (const name of [...Object.keys(options), 'after']) query[name] = one(p, name);
      return { kind: 'api', request: { method: 'GET', path: `${API}/partnerships/${enc(p.args[0] as string)}/${view}`, query }, render: renderer };
    },
  };
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'partnerships create',
    synopsis: '--name <name> --partner <partner> --kind <kind> --structure <structure> --owner <person> --pmo-lead <person> --sponsor <person> [options]',
    summary: 'register a partnership (it starts in screening)',
    help: [
      `--kind <kind>            ${partnershipKindSchema.options.join(' | ')}`,
      `--structure <structure>  ${structureSchema.options.join(' | ')}`,
      '--owner, --pmo-lead, --sponsor <person>   people, as the lifecycle names them (e.g. olga.owner)',
      '--id <id>                the partnership id (default: made from the name, e.g. acme-cloud-3f9a1c)',
      '--steering-committee <group>',
      `--modifier <modifier>    repeatable: ${timelineModifierSchema.options.join(', ')}`,
      '--attr <key=value>       repeatable; true/false and plain numbers are sent as such',
      ...CONTRACT_HELP,
    ],
    options: {
      name: { type: 'string' },
      partner: { type: 'string' },
      kind: { type: 'string' },
      structure: { type: 'string' },
      owner: { type: 'string' },
      'pmo-lead': { type: 'string' },
      sponsor: { type: 'string' },
      id: { type: 'string' },
      'steering-committee': { type: 'string' },
      modifier: { type: 'string', multiple: true },
      attr: { type: 'string', multiple: true },
      ...CONTRACT_OPTIONS,
    },
    args: [0, 0],
    write: true,
    plan(p) {
      const c = this.name;
      const kind = one(p, 'kind');
      const structure = one(p, 'structure');
      const modifiers = many(p, 'modifier').map((m) => oneOf(m, timelineModifierSchema.options, '--modifier', c));
      const attrs = pairs(many(p, 'attr'), 'attr', c);
      const b = body(
        p,
        c,
        {
          partnershipId: one(p, 'id'),
          name: one(p, 'name'),
          partner: one(p, 'partner'),
          kind: kind === undefined ? undefined : oneOf(kind, partnershipKindSchema.options, '--kind', c),
          structure: structure === undefined ? undefined : oneOf(structure, structureSchema.options, '--structure', c),
          owner: one(p, 'owner'),
          pmoLead: one(p, 'pmo-lead'),
          executiveSponsor: one(p, 'sponsor'),
          steeringCommittee: one(p, 'steering-committee'),
          modifiers: modifiers.length > 0 ? modifiers : undefined,
          attributes: attrs.length > 0 ? Object.fromEntries(attrs.map(([k, v]) => [k, attributeValue(v)])) : undefined,
          contract: contractOf(p, c),
        },
        [
          ['name', '--name'],
          ['partner', '--partner'],
          ['kind', '--kind'],
          ['structure', '--structure'],
          ['owner', '--owner'],
          ['pmoLead', '--pmo-lead'],
          ['executiveSponsor', '--sponsor'],
        ],
      );
      return apiWrite('POST', `${API}/partnerships`, b, 'registered');
    },
  },
  {
    name: 'partnerships list',
    synopsis: '[--stage <stage>] [--kind <kind>] [--owner <person>] [--limit <n>] [--offset <n>]',
    summary: 'list partnerships (summaries)',
    help: [
      '--stage <stage>          screening | due_diligence | launch | optimization | renewal | exit | rejected | exited',
      `--kind <kind>            ${partnershipKindSchema.options.join(' | ')}`,
      '--owner <person>',
      PAGE_HELP,
      READ_HELP,
    ],
    options: { stage: { type: 'string' }, kind: { type: 'string' }, owner: { type: 'string' }, ...PAGE_OPTIONS },
    args: [0, 0],
    after: true,
    plan(p) {
      const query = { stage: one(p, 'stage'), kind: one(p, 'kind'), owner: one(p, 'owner'), ...pageQuery(p), after: one(p, 'after') };
      return { kind: 'api', request: { method: 'GET', path: `${API}/partnerships`, query }, render: render.partnershipList };
    },
  },
  {
    name: 'partnerships show',
    synopsis: '<id> [--state]',
    summary: "a partnership's summary; --state: the live lifecycle state (open tasks, escalations, risks, KPIs)",
    help: ['--state                  ask the lifecycle itself (not a read model); takes no --after', READ_HELP],
    options: { state: { type: 'boolean' } },
    args: [1, 1],
    after: true,
    plan(p) {
      const id = enc(p.args[0] as string);
      if (flag(p, 'state')) {
        if (one(p, 'after') !== undefined) throw usageError('--state reads the lifecycle itself: it takes no --after', this.name);
        return { kind: 'api', request: { method: 'GET', path: `${API}/partnerships/${id}/state` }, render: render.partnershipState };
      }
      return { kind: 'api', request: { method: 'GET', path: `${API}/partnerships/${id}`, query: { after: one(p, 'after') } }, render: render.partnershipSummary };
    },
  },
  partnershipView('timeline', "a partnership's audit trail: every event in order, with when and who", render.timeline, {
    synopsis: '[--from <sequence>] [--limit <n>]',
    help: ['--from <sequence>        start at this event (default 1)', '--limit <n>              at most this many events (default 1000, up to 5000)'],
    options: { from: { type: 'string' }, limit: { type: 'string' } },
  }),
  partnershipView('risks', "a partnership's risks, most severe first", render.partnershipRisks),
  partnershipView('kpis', "a partnership's KPI scorecard: latest value against target, ROI, relationship health", render.scorecard),
  {
    name: 'score',
    synopsis: '<id> --criterion <criterion=score>... [--evaluator <person>]',
    summary: "submit an evaluator's screening scores (1–5 per criterion)",
    help: ['--criterion <id=score>   repeatable, one per criterion of the policy', '--evaluator <person>     default: you (the token\'s person)'],
    options: { criterion: { type: 'string', multiple: true }, evaluator: { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const scores = pairs(many(p, 'criterion'), 'criterion', c).map(([k, v]) => [k, numberOf(v, `the score of ${k}`, c)] as const);
      const b = body(p, c, { evaluator: one(p, 'evaluator'), scores: scores.length > 0 ? Object.fromEntries(scores) : undefined }, [['scores', '--criterion']]);
      const id = p.args[0] as string;
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/screening/scores`, b, `scores submitted for ${id}`);
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
      const b = body(p, c, { outcome, rationale: one(p, 'rationale'), contract: contractOf(p, c), kpis: kpis.length > 0 ? kpis : undefined }, [['rationale', '--rationale']]);
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/gates/${enc(gate)}/decision`, b, `${gate} gate: ${outcome === 'advance' ? 'advanced' : 'rejected'}`);
    },
  },
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
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/tasks/${enc(taskId)}/assign`, b, `task ${taskId} assigned to ${String(b.owner)}`);
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
    options: { note: { type: 'string' }, kpi: { type: 'string', multiple: true }, health: { type: 'string', multiple: true }, summary: { type: 'string' }, recommendation: { type: 'string' } },
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
              recommendation: recommendation === undefined ? undefined : oneOf(recommendation, ['renew', 'expand', 'terminate'] as const, '--recommendation', c),
            })
          : undefined;
      const b = body(p, c, { note: one(p, 'note'), review });
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/tasks/${enc(taskId)}/complete`, b, `task ${taskId} completed`);
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
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/tasks/${enc(taskId)}/deadline`, b, `task ${taskId} now due ${String(b.dueAt)}`);
    },
  },
  {
    name: 'finding',
    synopsis: '<id> --title <text> --category <c> --likelihood <1-5> --impact <1-5> [--task <taskId>] [--detail <text>] [--owner <person>] [--mitigation <text>...]',
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
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/findings`, b, 'finding recorded');
    },
  },
  {
    name: 'risk add',
    synopsis: '<id> --title <text> --category <c> --likelihood <1-5> --impact <1-5> --owner <person> [--mitigation <text>...]',
    summary: 'add a risk to the register',
    help: ['--title <text>', `--category <c>           ${riskCategorySchema.options.join(' | ')}`, '--likelihood <1-5>, --impact <1-5>', '--owner <person>', '--mitigation <text>      repeatable'],
    options: RISK_OPTIONS,
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const id = p.args[0] as string;
      const b = body(p, c, riskFields(p, c), [...RISK_REQUIRED, ['owner', '--owner']]);
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/risks`, b, 'risk added');
    },
  },
  {
    name: 'risk update',
    synopsis: '<id> <riskId> [--likelihood <1-5>] [--impact <1-5>] [--owner <person>] [--mitigation <text>...] [--status <s>] [--note <text>]',
    summary: "change a risk's rating, owner, mitigation or status",
    help: ['--likelihood <1-5>, --impact <1-5>', '--owner <person>', '--mitigation <text>      repeatable; replaces the list', `--status <s>             ${riskStatusSchema.options.join(' | ')}`, '--note <text>'],
    options: { ...RISK_OPTIONS, status: { type: 'string' }, note: { type: 'string' } },
    args: [2, 2],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, riskId] = p.args as [string, string];
      const status = one(p, 'status');
      const b = body(p, c, { ...riskFields(p, c), status: status === undefined ? undefined : oneOf(status, riskStatusSchema.options, '--status', c), note: one(p, 'note') });
      if (['likelihood', 'impact', 'owner', 'mitigation', 'status'].every((f) => b[f] === undefined)) {
        throw usageError('nothing to change: give --likelihood, --impact, --owner, --mitigation or --status', c);
      }
      return apiWrite('PATCH', `${API}/partnerships/${enc(id)}/risks/${enc(riskId)}`, b, `risk ${riskId} updated`);
    },
  },
  {
    name: 'kpi record',
    synopsis: '<id> <kpiId> <value> [--note <text>]',
    summary: 'record a value of a KPI defined at launch',
    help: ['--note <text>'],
    options: { note: { type: 'string' } },
    args: [3, 3],
    write: true,
    plan(p) {
      const c = this.name;
      const [id, kpiId, value] = p.args as [string, string, string];
      const b = body(p, c, { kpiId, value: numberOf(value, `the value of KPI ${kpiId}`, c), note: one(p, 'note') });
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/kpis`, b, `KPI ${kpiId} recorded`);
    },
  },
  {
    name: 'issue raise',
    synopsis: '<id> --title <text> --severity <s> [--description <text>] [--owner <person>] [--due <time>]',
    summary: 'raise an issue (a task that climbs the escalation ladder until resolved)',
    help: [
      '--title <text>',
      `--severity <s>           ${issueSeveritySchema.options.join(' | ')} (sets the due date from the policy)`,
      '--description <text>',
      '--owner <person>         default: the partnership owner',
      '--due <time>             instead of the severity\'s resolution time (ISO 8601)',
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
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/issues`, b, 'issue raised');
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
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/issues/${enc(issueId)}/resolve`, b, `issue ${issueId} resolved`);
    },
  },
  {
    name: 'renewal',
    synopsis: '<id> renew|renegotiate|exit --rationale <text> [--term <dur>] [renegotiate: contract options] [exit: --notice-period <dur>]',
    summary: 'decide at the renewal review: renew, renegotiate (a new contract) or exit (serves notice)',
    help: ['--rationale <text>', '--term <dur>             renew: the new term, ISO 8601 duration (default: the contract\'s)', ...CONTRACT_HELP, '                         (exit: --notice-period alone sets the notice period)'],
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
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/renewal/decision`, b, `renewal decided: ${decision}`);
    },
  },
  {
    name: 'exit',
    synopsis: '<id> --reason <text> [--notice-period <dur>]',
    summary: 'serve notice of exit (the notice period starts now)',
    help: ['--reason <text>', '--notice-period <dur>    ISO 8601 duration (default: the contract\'s)'],
    options: { reason: { type: 'string' }, 'notice-period': { type: 'string' } },
    args: [1, 1],
    write: true,
    plan(p) {
      const c = this.name;
      const id = p.args[0] as string;
      const b = body(p, c, { reason: one(p, 'reason'), noticePeriod: one(p, 'notice-period') }, [['reason', '--reason']]);
      return apiWrite('POST', `${API}/partnerships/${enc(id)}/exit`, b, 'notice served');
    },
  },
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
      return apiWrite('POST', `${API}/escalations/${enc(ref)}/acknowledge`, body(p, this.name, { note: one(p, 'note') }), `escalation ${ref} acknowledged`);
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
    plan: (p) => ({
      kind: 'api',
      request: { method: 'GET', path: `${API}/me/inbox`, query: { ...pageQuery(p), after: one(p, 'after') } },
      render: render.inbox,
    }),
  },
  {
    name: 'reports portfolio',
    synopsis: '',
    summary: 'partnerships by stage, kind and owner; the funnel and rejection reasons',
    help: [READ_HELP],
    options: {},
    args: [0, 0],
    after: true,
    plan: (p) => ({ kind: 'api', request: { method: 'GET', path: `${API}/reports/portfolio`, query: { after: one(p, 'after') } }, render: render.portfolioReport }),
  },
  {
    name: 'reports cycle-times',
    synopsis: '',
    summary: 'time in each stage and due-diligence phase: p50/p90 per kind, share within SLA',
    help: [READ_HELP],
    options: {},
    args: [0, 0],
    after: true,
    plan: (p) => ({ kind: 'api', request: { method: 'GET', path: `${API}/reports/cycle-times`, query: { after: one(p, 'after') } }, render: render.cycleTimesReport }),
  },
  {
    name: 'reports work',
    synopsis: '[--owner <person>] [--limit <n>] [--offset <n>]',
    summary: 'open tasks by due date, overdue items, open escalations (counted by level and addressee)',
    help: ['--owner <person>         only this person\'s tasks', '--limit <n>, --offset <n>   paging of each list (default 100 from 0)', READ_HELP],
    options: { owner: { type: 'string' }, ...PAGE_OPTIONS },
    args: [0, 0],
    after: true,
    plan: (p) => ({
      kind: 'api',
      request: { method: 'GET', path: `${API}/reports/work`, query: { owner: one(p, 'owner'), ...pageQuery(p), after: one(p, 'after') } },
      render: render.workReport,
    }),
  },
  {
    name: 'reports calendar',
    synopsis: '[--from <date>] [--to <date>] [--kind <kind>]',
    summary: 'upcoming reviews, renewal windows, contract ends, notice ends',
    help: ['--from <date>            default: now', '--to <date>              default: 90 days after --from', '--kind <kind>            review | renewal_window | contract_end | notice_end', READ_HELP],
    options: { from: { type: 'string' }, to: { type: 'string' }, kind: { type: 'string' } },
    args: [0, 0],
    after: true,
    plan: (p) => ({
      kind: 'api',
      request: { method: 'GET', path: `${API}/reports/calendar`, query: { from: one(p, 'from'), to: one(p, 'to'), kind: one(p, 'kind'), after: one(p, 'after') } },
      render: render.calendarReport,
    }),
  },
  {
    name: 'reports kpis',
    synopsis: '[--limit <n>] [--offset <n>]',
    summary: 'KPI scorecards across the portfolio, ranked by ROI (then those without one yet)',
    help: [PAGE_HELP, READ_HELP],
    options: PAGE_OPTIONS,
    args: [0, 0],
    after: true,
    plan: (p) => ({
      kind: 'api',
      request: { method: 'GET', path: `${API}/reports/kpis`, query: { ...pageQuery(p), after: one(p, 'after') } },
      render: render.kpisReport,
    }),
  },
  {
    name: 'reports risks',
    synopsis: '[--min-severity <1-25>] [--status <status>] [--limit <n>] [--offset <n>]',
    summary: 'the risk register across the portfolio',
    help: ['--min-severity <n>       likelihood × impact, 1–25', '--status <status>        open | mitigating | accepted | closed', PAGE_HELP, READ_HELP],
    options: { 'min-severity': { type: 'string' }, status: { type: 'string' }, ...PAGE_OPTIONS },
    args: [0, 0],
    after: true,
    plan: (p) => ({
      kind: 'api',
      request: { method: 'GET', path: `${API}/reports/risks`, query: { minSeverity: one(p, 'min-severity'), status: one(p, 'status'), ...pageQuery(p), after: one(p, 'after') } },
      render: render.risksReport,
    }),
  },
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
      const missing = [name === undefined || name.trim() === '' ? '--name' : undefined, roles.length === 0 ? '--role' : undefined].filter((m) => m !== undefined);
      if (missing.length > 0) throw usageError(`missing ${missing.join(', ')}`, c);
      for (const r of roles) oneOf(r, roleSchema.options, '--role', c);
      const days = one(p, 'expires-in-days');
      if (days !== undefined && !(/^\d{1,4}$/.test(days) && Number(days) >= 1 && Number(days) <= 3650)) throw usageError('--expires-in-days takes a whole number of days from 1 to 3650', c);
      return { kind: 'local', action: { type: 'tokens.create', name: (name as string).trim(), roles, ...(days === undefined ? {} : { expiresInDays: Number(days) }) } };
    },
  },
  {
    name: 'tokens revoke',
    synopsis: '<tokenId|name>',
    summary: "revoke a token by id, or every token of a person by name (next request fails)",
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
  {
    name: 'projections',
    synopsis: 'rebuild|digest|gaps|status [options]',
    summary: 'read-model maintenance (the projections CLI: partnerflow projections --help)',
    help: [],
    options: {},
    args: [0, Infinity],
    passthrough: true,
    plan: (p) => ({ kind: 'local', action: { type: 'projections', argv: p.args } }),
  },
  {
    name: 'policy validate',
    synopsis: '<file>',
    summary: 'check a policy file (JSON or YAML); print its version and a summary, or what is wrong (exit 1)',
    help: [],
    options: {},
    args: [1, 1],
    plan: (p) => ({ kind: 'local', action: { type: 'policy.validate', file: p.args[0] as string } }),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The groups (`partnerships`, `task`…) and their subcommands. */
export function subcommandsOf(group: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `));
}

/** Every option a command takes: its own, the global ones, and `--data`/`--idempotency-key`/`--after` where they apply. */
export function optionsOf(spec: CommandSpec): Options {
  return { ...GLOBAL_OPTIONS, ...(spec.write ? WRITE_OPTIONS : {}), ...(spec.after ? AFTER_OPTIONS : {}), ...spec.options };
}
