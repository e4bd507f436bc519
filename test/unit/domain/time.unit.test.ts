import fc from 'fast-check';
import { canonicalTime, fromMs, isCanonical, toMs } from '../../../domain/time';

/** What `canonicalTime` did before it recognised canonical strings: always the Date round trip. */
function roundTrip(iso: string): string {
  return fromMs(toMs(iso));
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('canonicalTime', () => {
  test('keeps canonical strings and normalises the rest exactly as the Date round trip does', () => {
    // Field values beyond their ranges too: 24:00, 60 seconds, a 30th of February, month 13, day 0.
    const candidate = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.integer({ min: 0, max: 60 }),
        ms: fc.integer({ min: 0, max: 999 }),
        suffix: fc.constantFrom('Z', '+00:00', '+02:00', ''),
        millis: fc.boolean(),
      })
      .map(
        (t) =>
          `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
          `${t.millis ? `.${pad(t.ms, 3)}` : ''}${t.suffix}`,
      );
    fc.assert(
      fc.property(candidate, (iso) => {
        const slow = (() => {
          try {
            return roundTrip(iso);
          } catch (e) {
            return e instanceof RangeError ? 'RangeError' : 'other';
          }
        })();
        const fast = (() => {
          try {
            return canonicalTime(iso);
          } catch (e) {
            return e instanceof RangeError ? 'RangeError' : 'other';
          }
        })();
        expect(fast).toBe(slow);
      }),
      { numRuns: 20_000 },
    );
  });

  test('recognises leap days and refuses what the round trip would move', () => {
    expect(isCanonical('2024-02-29T12:00:00.000Z')).toBe(true);
    expect(isCanonical('2000-02-29T00:00:00.000Z')).toBe(true);
    expect(isCanonical('1900-02-29T00:00:00.000Z')).toBe(false);
    expect(isCanonical('2025-02-29T00:00:00.000Z')).toBe(false);
    expect(canonicalTime('2025-02-29T00:00:00.000Z')).toBe('2025-03-01T00:00:00.000Z');
    expect(isCanonical('2025-01-01T24:00:00.000Z')).toBe(false);
    expect(canonicalTime('2025-01-01T24:00:00.000Z')).toBe('2025-01-02T00:00:00.000Z');
    expect(canonicalTime('2025-01-01T10:00:00+02:00')).toBe('2025-01-01T08:00:00.000Z');
  });
});
