import fc from 'fast-check';
import { checkCloudEvent, cloudEventSchema, toCloudEvent } from '../../../domain/cloudevent';

/*
 * checkCloudEvent skips zod for envelopes it can vouch for. Whatever it is given, its verdict and its output must be
 * those of the schema: checked here against the schema on valid events and on every way of breaking one.
 */

const valid = () =>
  JSON.parse(
    JSON.stringify(
      toCloudEvent({ type: 'partnerflow.partnership.task-opened', subject: 'p-1', sequence: 7, time: '2025-01-01T00:00:00.000Z', version: 1, data: { a: 1 } }),
    ),
  ) as Record<string, unknown>;

const oddValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.constant('1.0'),
  fc.constant('application/json'),
  fc.constant('partnerflow.x'),
  fc.constant('Upper.Case'),
  fc.constant('2025-02-30T00:00:00.000Z'),
  fc.constant('2025-01-01T00:00:00+02:00'),
  fc.constant('2025-01-01 00:00:00'),
  fc.constant(0),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(2 ** 53),
  fc.constant(3),
  fc.constant([]),
  fc.constant({}),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const key = fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschemaversion', 'sequence', 'data', 'extra');
const mutation = fc.oneof(fc.record({ kind: fc.constant('set' as const), key, value: oddValue }), fc.record({ kind: fc.constant('delete' as const), key }));

function mutate(event: Record<string, unknown>, mutations: ReadonlyArray<{ kind: 'set' | 'delete'; key: string; value?: unknown }>): unknown {
  const out: Record<string, unknown> = { ...event };
  for (const m of mutations) {
    if (m.kind === 'delete') delete out[m.key];
    else out[m.key] = m.value;
  }
  return out;
}

describe('checkCloudEvent', () => {
  test('a valid envelope is returned as it is, equal to what the schema returns', () => {
    const event = valid();
    const checked = checkCloudEvent(event);

    expect(checked.success && checked.data).toBe(event);
    expect(checked.success && checked.data).toEqual(cloudEventSchema.parse(event));
  });

  test('agrees with the schema on every envelope, broken or not: verdict, output and messages', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), (mutations) => {
        const input = mutate(valid(), mutations);
        const ours = checkCloudEvent(input);
        const theirs = cloudEventSchema.safeParse(input);
        expect(ours.success).toBe(theirs.success);
        if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
        if (!ours.success && !theirs.success) expect(ours.error.issues).toEqual(theirs.error.issues);
      }),
      { numRuns: 3000 },
    );
  });

  test('what is not a plain object goes to the schema', () => {
    for (const input of [null, 'x', 3, [valid()], Object.assign(Object.create(null) as object, valid())]) {
      expect(checkCloudEvent(input).success).toBe(cloudEventSchema.safeParse(input).success);
    }
  });
});
