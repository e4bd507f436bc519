import { CURRENT_EVENT_VERSIONS, cloudEventType, eventSchema, evolveAll, initialState, upcast } from '../../../domain';
import { T0, at, command, given, inDueDiligence, ops, registration, then } from './fixtures';

const metadata = { partnershipId: 'acme-cloud', sequence: 3, occurredAt: T0, actor: ops };
const v1 = { type: 'IssueRaised', version: 1, data: { issueId: 'issue.1', taskId: 'issue.1', title: 'API quota exceeded' }, metadata };

describe('upcasting stored events', () => {
  it('reads an IssueRaised v1, which had no severity, as v2 with the medium severity every v1 issue ran on', () => {
    expect(upcast(v1)).toEqual({
      ok: true,
      event: { type: 'IssueRaised', version: 2, data: { issueId: 'issue.1', taskId: 'issue.1', title: 'API quota exceeded', severity: 'medium' }, metadata },
    });
  });

  it('passes current events through unchanged', () => {
    const { events } = given(registration());
    for (const e of events) expect(upcast(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
  });

  it('lets a history with old events fold to the same state as one written today', () => {
    const today = then(
      inDueDiligence(),
      command('RaiseIssue', { title: 'API quota exceeded', severity: 'medium', dueAt: at(T0, 'PT1H') }, ops, at(T0, 'PT3M')),
    );
    const stored = today.events.map((e) =>
      e.type === 'IssueRaised'
        ? { ...e, version: 1, data: { issueId: e.data.issueId, taskId: e.data.taskId, title: e.data.title } }
        : (JSON.parse(JSON.stringify(e)) as unknown),
    );
    const read = stored.map((raw) => {
      const r = upcast(raw);
      if (!r.ok) throw new Error(r.error.message);
      return r.event;
    });
    expect(evolveAll(initialState, read)).toEqual(today.state);
  });

  describe('refuses', () => {
    it('an event from a newer partnerflow', () => {
      expect(upcast({ ...v1, version: 3 })).toEqual({
        ok: false,
        error: { code: 'invalid_event', message: 'IssueRaised v3 was written by a newer partnerflow (this one reads up to v2); upgrade this consumer' },
      });
    });

    it('an unknown type', () => {
      expect(upcast({ ...v1, type: 'PartnershipTeleported' })).toMatchObject({ ok: false, error: { message: 'unknown event type "PartnershipTeleported"' } });
    });

    it('a v1 event that is malformed, naming the field', () => {
      expect(upcast({ ...v1, data: { issueId: 'issue.1', taskId: 'issue.1' } })).toMatchObject({
        ok: false,
        error: { code: 'invalid_event', message: expect.stringMatching(/^IssueRaised v1 cannot be upcast: data\.title: /) },
      });
    });

    it('a current event that fails its schema', () => {
      expect(upcast({ ...v1, version: 2, data: { ...v1.data, severity: 'apocalyptic' } })).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/^IssueRaised v2: data\.severity: /) },
      });
    });

    it('something that is not an event', () => {
      expect(upcast('hello')).toMatchObject({ ok: false, error: { code: 'invalid_event', message: expect.stringMatching(/^not an event: /) } });
    });
  });
});

describe('event types', () => {
  it('every event type has exactly one current version', () => {
    expect(Object.keys(CURRENT_EVENT_VERSIONS)).toHaveLength(eventSchema.options.length);
    expect(CURRENT_EVENT_VERSIONS.IssueRaised).toBe(2);
  });

  it('map to lower-case CloudEvents types', () => {
    expect(cloudEventType('PartnershipRegistered')).toBe('partnerflow.partnership.partnership-registered');
    expect(cloudEventType('EscalationStepFired')).toBe('partnerflow.partnership.escalation-step-fired');
  });
});
