import { toCloudEvent, type CloudEvent } from '../../../domain/cloudevent';
import { READ_MODELS } from '../../../projections/read-models';
import { lifecycleCloudEventType } from '../../../projections/catalog';
import { catalogOf, createDecoder, type Validator } from '../../../projections/runner';
import { lifecycleEvent } from './support/events';

const decode = createDecoder(catalogOf(READ_MODELS));
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('decoding consumed messages', () => {
  test('a lifecycle event as the activity publishes it decodes', () => {
    const event = lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'PartnershipRegistered' });

    expect(decode(bytes(event))).toMatchObject({ ok: true, event, spec: { stream: 'partnership', maxVersion: 1 } });
  });

  test.each([
    ['not-json', 'garbage bytes', Buffer.from([0xff, 0x00, 0x7b])],
    ['not-json', 'an empty value', Buffer.alloc(0)],
    ['not-json', 'no value at all', null],
    ['not-cloudevent', 'JSON without the CloudEvents envelope', bytes({ hello: 'world' })],
    ['not-cloudevent', 'an id that is not subject/sequence', bytes({ ...lifecycleEvent({ subject: 'p-1', sequence: 2 }), id: 'p-1/1' })],
  ] as const)('%s: %s', (reason, _what, value) => {
    expect(decode(value)).toMatchObject({ ok: false, reason });
  });

  test('unknown-type: a type no read model knows, with the event identity', () => {
    const event = { ...lifecycleEvent({ subject: 'p-1', sequence: 4 }), type: 'partnerflow.partnership.moon-landed' };

    expect(decode(bytes(event))).toMatchObject({
      ok: false,
      reason: 'unknown-type',
      subject: 'p-1',
      sequence: 4,
      detail: expect.stringContaining('moon-landed'),
    });
  });

  test('version-too-new: a version above the newest this code reads', () => {
    const event = lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'TaskOpened', version: 2, poison: true });

    expect(decode(bytes(event))).toMatchObject({ ok: false, reason: 'version-too-new', detail: expect.stringContaining('v2') });
  });

  test.each([
    ['no metadata', (e: CloudEvent) => ({ ...e, data: { ...(e.data as object), metadata: undefined } })],
    ['an actor without a role', (e: CloudEvent) => ({ ...e, data: { ...(e.data as object), metadata: { actor: { id: 'ana' } } } })],
    ['data.type disagreeing with the CloudEvents type', (e: CloudEvent) => ({ ...e, data: { ...(e.data as object), type: 'GateDecided' } })],
    ['data.version disagreeing with dataschemaversion', (e: CloudEvent) => ({ ...e, dataschemaversion: 1, data: { ...(e.data as object), version: 3 } })],
  ])('schema: %s', (_what, mutate) => {
    const event = mutate(lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'TaskOpened' }));

    expect(decode(bytes(event))).toMatchObject({ ok: false, reason: 'schema', subject: 'p-1', sequence: 1 });
  });

  test('an injected validator replaces the type schema and may upcast the event', () => {
    const upcastTitles: Validator = (event) => {
      const inner = event.data as { data: { title?: string } };
      if (inner.data.title === undefined) return { ok: false, reason: 'schema', detail: 'data.data.title: required' };
      return { ok: true, event: { ...event, data: { ...(event.data as object), data: { ...inner.data, title: inner.data.title.toUpperCase() } } } };
    };
    const strict = createDecoder(catalogOf(READ_MODELS), upcastTitles);

    expect(strict(bytes(lifecycleEvent({ subject: 'p-1', sequence: 1, data: { title: 'kickoff' }, poison: true })))).toMatchObject({
      ok: true,
      event: { data: { data: { title: 'KICKOFF' } } },
    });
    expect(strict(bytes(lifecycleEvent({ subject: 'p-1', sequence: 1 })))).toMatchObject({ ok: false, reason: 'schema', detail: 'data.data.title: required' });
  });

  test('the probe event belongs to its own stream', () => {
    const probe = toCloudEvent({
      type: 'partnerflow.stack.probed',
      subject: 'probe-1',
      sequence: 1,
      time: '2025-01-01T00:00:00Z',
      version: 1,
      data: { probeId: '1' },
    });

    expect(decode(bytes(probe))).toMatchObject({ ok: true, spec: { stream: 'probe' } });
    expect(lifecycleCloudEventType('EscalationStepFired')).toBe('partnerflow.partnership.escalation-step-fired');
  });
});

describe("the tests' event fixtures", () => {
  test('a fixture the projector would dead-letter throws, naming the event and the field, unless it is built as poison', () => {
    expect(() =>
      lifecycleEvent({ subject: 'p-1', sequence: 2, type: 'DeadlineMoved', data: { taskId: 't', dueAt: '2025-01-02T00:00:00.000Z', reason: 'asked' } }),
    ).toThrow(/^fixture DeadlineMoved v1 #2 of p-1 is not a valid lifecycle event \(schema\): .*data\.previousDueAt/);
    expect(() => lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'IssueRaised', actor: null })).toThrow(/IssueRaised v2 #1 of p-1 .*metadata\.actor/);
    expect(decode(bytes(lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'IssueRaised', actor: null, poison: true })))).toMatchObject({
      ok: false,
      reason: 'schema',
    });
  });
});
