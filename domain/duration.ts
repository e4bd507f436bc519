import { z } from 'zod';
import { INPUT_LIMITS, maxChars } from './limits';
import { fromMs, toMs } from './time';

/** The components of an ISO-8601 duration; all whole numbers. */
export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A fractional month (from scaling) has no calendar meaning; it is turned into days at this rate.
const DAYS_PER_FRACTIONAL_MONTH = 30;

/** Parses `P6M`, `P3W`, `P14D`, `PT4H`, `P1Y2M3DT4H5M6S`…; `undefined` when the text is not such a duration. */
export function tryParseDuration(text: string): DurationParts | undefined {
  const m = PATTERN.exec(text);
  if (m === null || text === 'P' || text.endsWith('T')) return undefined;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

/** Parses an ISO-8601 duration; throws on text the schema would refuse. */
export function parseDuration(text: string): DurationParts {
  const parts = tryParseDuration(text);
  if (parts === undefined) throw new RangeError(`not an ISO-8601 duration: ${text}`);
  return parts;
}

/** An ISO-8601 duration (whole numbers, `Y M W D T H M S`), e.g. `P6M`, `P3W`, `P14D`, `PT4H`, `P1M15D`. */
export const durationSchema = maxChars(INPUT_LIMITS.id)
  // The pattern is the check, and what the OpenAPI document shows (so "" and "P" are refused there too); a property
  // test holds it to `tryParseDuration`, the parser.
  .regex(/^P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/, {
    message: 'expected an ISO-8601 duration such as P6M, P3W, P14D or PT4H',
    abort: true,
  });

/** A duration longer than zero (a cadence of zero would fire forever): some number in it is not 0. */
export const positiveDurationSchema = durationSchema.regex(/[1-9]/, 'must be longer than zero');

export type Duration = z.infer<typeof durationSchema>;

/** True for `PT0S`, `P0D` and friends. */
export function isZeroDuration(duration: string): boolean {
  const p = parseDuration(duration);
  return calendarMonths(p) === 0 && fixedMs(p) === 0;
}

/**
 * `iso` plus `duration`, in UTC. Years and months are calendar arithmetic with the day of month clamped
 * (Jan 31 + P1M = Feb 28, or 29 in a leap year); weeks, days and time are exact (a UTC day is always 24 hours).
 * Calendar parts are applied first, as ISO-8601 and the Temporal proposal do.
 */
export function addDuration(iso: string, duration: string): string {
  const p = parseDuration(duration);
  return fromMs(addMonths(toMs(iso), calendarMonths(p)) + fixedMs(p));
}

/** `iso` minus `duration`, in UTC, with the same calendar rules as `addDuration`. */
export function subtractDuration(iso: string, duration: string): string {
  const p = parseDuration(duration);
  return fromMs(addMonths(toMs(iso), -calendarMonths(p)) - fixedMs(p));
}

/** Milliseconds of a duration without calendar parts (weeks, days, time). Throws for `P1M` or `P1Y`, whose length depends on the date. */
export function durationMs(duration: string): number {
  const p = parseDuration(duration);
  if (calendarMonths(p) !== 0) throw new RangeError(`${duration} has calendar parts (years or months); use addDuration from a date`);
  return fixedMs(p);
}

/**
 * A duration multiplied by `factor` (timeline modifiers). Months scale as months; a fractional month becomes days at
 * 30 a month; the exact part is rounded to whole seconds so the result is always a valid duration.
 */
export function scaleDuration(duration: string, factor: number): string {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new RangeError(`scale factor must be a finite number ≥ 0, got ${factor}`);
  const p = parseDuration(duration);
  const months = calendarMonths(p) * factor;
  // The epsilon keeps 3 × 1.3 = 3.9000000000000004 from losing a whole month to floating point.
  const wholeMonths = Math.floor(months + 1e-9);
  const fractionMs = Math.max(0, months - wholeMonths) * DAYS_PER_FRACTIONAL_MONTH * DAY;
  const ms = Math.round((fixedMs(p) * factor + fractionMs) / SECOND) * SECOND;
  return formatDuration(wholeMonths, ms);
}

/** Sum of two durations, keeping calendar and exact parts apart. */
export function sumDurations(a: string, b: string): string {
  const pa = parseDuration(a);
  const pb = parseDuration(b);
  return formatDuration(calendarMonths(pa) + calendarMonths(pb), fixedMs(pa) + fixedMs(pb));
}

/** The canonical spelling of `months` calendar months plus `ms` exact milliseconds, e.g. `P1Y4M15DT12H`. */
export function formatDuration(months: number, ms: number): string {
  const years = Math.floor(months / 12);
  const restMonths = months % 12;
  let rest = Math.round(ms / SECOND) * SECOND;
  const days = Math.floor(rest / DAY);
  rest -= days * DAY;
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  rest -= minutes * MINUTE;
  const seconds = Math.floor(rest / SECOND);
  const date = `${years ? `${years}Y` : ''}${restMonths ? `${restMonths}M` : ''}${days ? `${days}D` : ''}`;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (date === '' && time === '') return 'PT0S';
  return `P${date}${time === '' ? '' : `T${time}`}`;
}

function calendarMonths(p: DurationParts): number {
  return p.years * 12 + p.months;
}

function fixedMs(p: DurationParts): number {
  return (p.weeks * 7 + p.days) * DAY + p.hours * HOUR + p.minutes * MINUTE + p.seconds * SECOND;
}

function addMonths(ms: number, months: number): number {
  if (months === 0) return ms;
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
