import { z } from 'zod';

/**
 * An instant as an ISO-8601 UTC string, normalised to `toISOString()` form so that equal instants are equal strings
 * and string order is time order. Time always arrives as data; nothing in `domain/` reads a clock.
 */
export const isoTimeSchema = z.iso.datetime({ message: 'expected an ISO-8601 UTC time such as 2027-03-01T09:00:00Z' }).transform(canonicalTime);

export type IsoTime = z.infer<typeof isoTimeSchema>;

/** The canonical spelling of an instant. */
export function canonicalTime(iso: string): string {
  // Nearly every time read is already canonical (producers write `toISOString()`): recognise that without the cost
  // of a Date round trip. Anything else (offsets, no milliseconds, 24:00, a 30th of February) takes the round trip.
  return isCanonical(iso) ? iso : fromMs(toMs(iso));
}

const CANONICAL = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when `iso` is exactly what `toISOString()` writes for some instant (years 0000–9999). */
export function isCanonical(iso: string): boolean {
  if (iso.length !== 24) return false;
  const m = CANONICAL.exec(iso);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** Milliseconds since the epoch of an ISO-8601 string. */
export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 time: ${iso}`);
  return ms;
}

/** ISO-8601 UTC string of milliseconds since the epoch. */
export function fromMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** Negative when `a` is before `b`, zero when equal, positive when after. */
export function compareTimes(a: string, b: string): number {
  return toMs(a) - toMs(b);
}

/** True when `a` is strictly before `b`. */
export function isBefore(a: string, b: string): boolean {
  return toMs(a) < toMs(b);
}

/** The later of two instants. */
export function laterOf(a: string, b: string): string {
  return toMs(a) >= toMs(b) ? a : b;
}

/** The earlier of two instants. */
export function earlierOf(a: string, b: string): string {
  return toMs(a) <= toMs(b) ? a : b;
}
