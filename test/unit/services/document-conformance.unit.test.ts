import fc from 'fast-check';
import { z } from 'zod';
import { durationSchema, isZeroDuration, positiveDurationSchema, tryParseDuration } from '../../../domain/duration';
import { inputJsonSchema } from '../../../services/contract/body';

/**
 * What the OpenAPI document says a duration is (its JSON Schema pattern) and what the server accepts are one truth:
 * for any string, both say yes or both say no.
 */
describe('durations: the document and the server agree', () => {
  const documented = (schema: z.ZodType) => {
    const js = inputJsonSchema(schema) as { pattern?: string; allOf?: Array<{ pattern?: string }> };
    const patterns = [js.pattern, ...(js.allOf ?? []).map((p) => p.pattern)].filter((p): p is string => p !== undefined).map((p) => new RegExp(p));
    return (v: string) => v.length <= 128 && patterns.every((p) => p.test(v));
  };
  const durationish = fc.oneof(
    fc.string(),
    fc.stringMatching(/^P(\d{1,3}[YMWD]){0,3}(T(\d{1,3}[HMS]){0,3})?$/),
    fc.constantFrom('', 'P', 'PT', 'P0D', 'PT0S', 'P6M', 'PT4H', 'P1Y2M3DT4H5M6S', 'P1MT'),
  );

  test.each([
    ['any duration', durationSchema],
    ['a positive duration', positiveDurationSchema],
  ])('%s', (_what, schema) => {
    const doc = documented(schema);
    expect(doc('')).toBe(false);
    fc.assert(
      fc.property(durationish, (v) => {
        expect({ v, server: schema.safeParse(v).success }).toEqual({ v, server: doc(v) });
        // And the pattern says what the parser says.
        const parsed = v.length <= 128 && tryParseDuration(v) !== undefined && (schema === durationSchema || !isZeroDuration(v));
        expect({ v, parser: parsed }).toEqual({ v, parser: schema.safeParse(v).success });
      }),
      { numRuns: 2000 },
    );
  });
});
