import { z } from 'zod';

/**
 * An instant as an ISO-8601 UTC string, normalised to `toISOString()` form so that equal instants are equal strings
 * and string order is time order. Time always arrives as data; nothing in `domain/` reads a clock.
 */
export const isoTimeSchema = z.iso
  .datetime({ message: 'expected an ISO-8601 UTC time such as 2027-03-01T09:00:00Z' })
  .transform(canonicalTime);

export type IsoTime = z.infer<typeof isoTimeSchema>;

/** The canonical spelling of an instant. */
export function canonicalTime(iso: string): string {
  return fromMs(toMs(iso));
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
