import {
  addDuration,
  durationMs,
  durationSchema,
  formatDuration,
  isZeroDuration,
  parseDuration,
  positiveDurationSchema,
  scaleDuration,
  subtractDuration,
  sumDurations,
  tryParseDuration,
} from '../../../domain';

describe('ISO-8601 durations', () => {
  it.each(['P6M', 'P3W', 'P14D', 'PT4H', 'PT1M', 'P1Y', 'P1Y2M3DT4H5M6S', 'P1M15D', 'PT0S'])('accepts %s', (text) => {
    expect(durationSchema.safeParse(text).success).toBe(true);
  });

  it.each(['', 'P', 'PT', '6M', 'P1.5M', 'P-1D', 'PT1D', 'P1H', 'p6m', 'P1DT'])('refuses %j with an example of what is expected', (text) => {
    const result = durationSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/ISO-8601 duration such as P6M/);
  });

  it('parses every component', () => {
    expect(parseDuration('P1Y2M3W4DT5H6M7S')).toEqual({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 });
    expect(tryParseDuration('nonsense')).toBeUndefined();
    expect(() => parseDuration('nonsense')).toThrow(/not an ISO-8601 duration/);
  });

  it('refuses a zero cadence where a positive one is required', () => {
    expect(positiveDurationSchema.safeParse('P0D').success).toBe(false);
    expect(positiveDurationSchema.safeParse('PT1S').success).toBe(true);
    expect(isZeroDuration('P0Y0M')).toBe(true);
  });
});

describe('calendar arithmetic in UTC', () => {
  it('adds months on the calendar, clamping the day of month', () => {
    expect(addDuration('2027-01-31T10:00:00Z', 'P1M')).toBe('2027-02-28T10:00:00.000Z');
    expect(addDuration('2028-01-31T10:00:00Z', 'P1M')).toBe('2028-02-29T10:00:00.000Z');
    expect(addDuration('2027-08-31T00:00:00Z', 'P6M')).toBe('2028-02-29T00:00:00.000Z');
    expect(addDuration('2027-03-15T00:00:00Z', 'P1Y')).toBe('2028-03-15T00:00:00.000Z');
    expect(addDuration('2028-02-29T00:00:00Z', 'P1Y')).toBe('2029-02-28T00:00:00.000Z');
  });

  it('adds months across a year end', () => {
    expect(addDuration('2027-11-30T00:00:00Z', 'P3M')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('adds weeks, days and time exactly', () => {
    expect(addDuration('2027-01-01T00:00:00Z', 'P3W')).toBe('2027-01-22T00:00:00.000Z');
    expect(addDuration('2027-01-01T00:00:00Z', 'P14D')).toBe('2027-01-15T00:00:00.000Z');
    expect(addDuration('2027-01-01T22:00:00Z', 'PT4H')).toBe('2027-01-02T02:00:00.000Z');
    expect(addDuration('2027-01-01T00:00:00Z', 'PT1M')).toBe('2027-01-01T00:01:00.000Z');
  });

  it('applies calendar parts before exact parts in a combination', () => {
    // Jan 31 + 1 month = Feb 28, then + 1 day = Mar 1 (not Mar 3 + 1).
    expect(addDuration('2027-01-31T00:00:00Z', 'P1M1D')).toBe('2027-03-01T00:00:00.000Z');
    expect(addDuration('2027-01-01T00:00:00Z', 'P1Y2M3DT4H5M6S')).toBe('2028-03-04T04:05:06.000Z');
  });

  it('subtracts with the same clamping', () => {
    expect(subtractDuration('2027-03-31T00:00:00Z', 'P1M')).toBe('2027-02-28T00:00:00.000Z');
    expect(subtractDuration('2029-12-31T00:00:00Z', 'P6M')).toBe('2029-06-30T00:00:00.000Z');
    expect(subtractDuration('2027-01-01T00:00:00Z', 'P3D')).toBe('2026-12-29T00:00:00.000Z');
  });

  it('measures only durations without calendar parts', () => {
    expect(durationMs('P1W')).toBe(7 * 24 * 3600 * 1000);
    expect(durationMs('PT1H30M')).toBe(90 * 60 * 1000);
    expect(() => durationMs('P1M')).toThrow(/calendar parts/);
  });
});

describe('scaling and summing (timeline modifiers)', () => {
  it('scales exact parts exactly', () => {
    expect(scaleDuration('P4W', 1.5)).toBe('P42D');
    expect(scaleDuration('PT1M', 1.5)).toBe('PT1M30S');
    expect(scaleDuration('P8W', 0.75)).toBe('P42D');
  });

  it('scales months as months, turning a fractional month into 30-day days', () => {
    expect(scaleDuration('P3M', 2)).toBe('P6M');
    expect(scaleDuration('P3M', 1.5)).toBe('P4M15D');
    expect(scaleDuration('P3M', 1.3)).toBe('P3M27D');
    expect(scaleDuration('P1Y', 1.5)).toBe('P1Y6M');
  });

  it('refuses a negative factor', () => {
    expect(() => scaleDuration('P1D', -1)).toThrow(/finite number/);
  });

  it('sums calendar and exact parts separately', () => {
    expect(sumDurations('P4W', 'P6M')).toBe('P6M28D');
    expect(sumDurations('PT30M', 'PT45M')).toBe('PT1H15M');
  });

  it('formats zero as PT0S', () => {
    expect(formatDuration(0, 0)).toBe('PT0S');
    expect(formatDuration(14, 36 * 3600 * 1000)).toBe('P1Y2M1DT12H');
  });
});
