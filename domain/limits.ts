import { z } from 'zod';

/**
 * How much a command may carry: every string and list in a command has one of these as its maximum. Product limits,
 * chosen so that any one event stays far below Kafka's 1 MiB message limit and a partnership's state stays small
 * enough to carry over a continue-as-new.
 */
export const INPUT_LIMITS = {
  /** Ids and slugs: partnership, KPI, criterion, checklist item, task, risk and issue ids; attribute keys. */
  id: 128,
  /** Names and titles: a partnership, partner, task, risk, KPI, checklist item; a person's id; a KPI's unit. */
  name: 200,
  /** Free text: descriptions, details, rationales, notes, reasons, resolutions, summaries. */
  text: 4_000,
  /** Lists and keyed records in general: KPIs at launch, KPI values of a review, scores, modifiers, attributes. */
  list: 100,
  /** Items of one checklist in a policy. */
  checklistItems: 50,
  /** Criteria of the screening matrix in a policy (each with up to `text` of what it covers). */
  criteria: 20,
  /** Mitigation actions of one risk, each at most `name` long. */
  mitigationActions: 20,
} as const;

/**
 * What an event may carry. Events hold values composed from several inputs (an issue's task title is
 * "Issue (high): " + its title, a checklist task's id is its scope + its item id, a cancellation reason quotes a
 * rationale), so they allow twice the input limits: an event a valid command produced always passes its schema.
 */
export const RECORDED_LIMITS: { readonly [K in keyof typeof INPUT_LIMITS]: number } = Object.fromEntries(
  Object.entries(INPUT_LIMITS).map(([k, v]) => [k, v * 2]),
) as { [K in keyof typeof INPUT_LIMITS]: number };

/**
 * How much one partnership may hold, refused with `limit_reached` before anything is recorded. Kept to what a real
 * partnership needs many times over; together with the input limits they bound the lifecycle's state.
 */
export const PARTNERSHIP_CAPS = {
  /** Risks in the register, findings included. */
  risks: 200,
  /** Due-diligence findings. */
  findings: 100,
  /** KPIs defined at the launch gate (and so KPI values per review): the DecideGate schema's maximum. */
  kpis: 50,
  /** Issues open at once. */
  openIssues: 50,
} as const;

/** A string of at most `max` characters; the message names the limit (the field is named by its path). */
export function maxChars(max: number): z.ZodString {
  return z.string().max(max, `at most ${max} characters`);
}

/** An array of at most `max` items. */
export function maxItems<T extends z.ZodType>(item: T, max: number): z.ZodArray<T> {
  return z.array(item).max(max, `at most ${max} items`);
}

/** A record of at most `max` keys. */
export function maxKeys<R extends z.ZodType<Record<string, unknown>>>(record: R, max: number) {
  return record.refine((r) => Object.keys(r).length <= max, { message: `at most ${max} entries` });
}

/**
 * A trimmed text must contain something: a pattern rather than a minimum length, so the OpenAPI document says what
 * the server checks (a length of 1 would let "  " through the document and not the server).
 */
export const NOT_BLANK = /\S/;
