import { addDuration, defaultPolicy, initialState, type Event } from '../../../domain';
import {
  T0,
  accepted,
  admin,
  at,
  command,
  compressedPolicy,
  exec,
  given,
  inStage,
  ops,
  owner,
  refused,
  registration,
  registrationData,
  viewer,
  PARTNERSHIP_ID,
} from './fixtures';

describe('registering a partnership', () => {
  it('records the profile and pins the resolved policy with its version', () => {
    const { events, state } = accepted(initialState, registration());
    const registered = events[0] as Extract<Event, { type: 'PartnershipRegistered' }>;
    expect(registered).toMatchObject({
      type: 'PartnershipRegistered',
      version: 1,
      data: {
        partnershipId: PARTNERSHIP_ID,
        kind: 'alliance',
        owner: owner.id,
        pmoLead: ops.id,
        executiveSponsor: exec.id,
        steeringCommittee: 'steering-committee',
      },
      metadata: { partnershipId: PARTNERSHIP_ID, sequence: 1, occurredAt: T0, actor: ops },
    });
    expect(registered.data.policy).toMatchObject({ version: 'compressed@1', kind: 'alliance', modifiers: [] });
    const screening = inStage(state, 'screening');
    expect(screening.policy.version).toBe('compressed@1');
    expect(screening.sequence).toBe(2);
  });

  it('opens the screening gate for the executive sponsor, due after the evaluation window and the decision time', () => {
    const { events } = accepted(initialState, registration());
    expect(events[1]).toMatchObject({
      type: 'TaskOpened',
      data: { task: { id: 'gate.screening', kind: 'gate', owner: exec.id, dueAt: at(T0, 'PT15M'), gate: 'screening' } },
      metadata: { sequence: 2 },
    });
  });

  it('uses the default policy, resolved for the kind, when none is given', () => {
    const { policy: _policy, ...withoutPolicy } = registrationData({ kind: 'technology' });
    const { state } = accepted(initialState, command('RegisterPartnership', withoutPolicy, ops, T0));
    const s = inStage(state, 'screening');
    expect(s.policy.version).toBe(defaultPolicy.version);
    expect(s.policy.screening.criteria.find((c) => c.id === 'technical-compatibility')?.weight).toBe(0.3);
    expect(s.tasks['gate.screening']?.dueAt).toBe(addDuration(addDuration(T0, 'P4W'), 'P1W'));
  });

  it('applies timeline modifiers to the pinned policy', () => {
    const { state } = accepted(initialState, registration(T0, { modifiers: ['cross_border'] }));
    const s = inStage(state, 'screening');
    expect(s.profile.modifiers).toEqual(['cross_border']);
    expect(s.policy.screening.evaluationWindow).toBe('PT15M');
  });

  it('records a contract known at registration with the policy notice period', () => {
    const { state } = accepted(initialState, registration(T0, { contract: { start: '2027-03-01T00:00:00Z', end: '2030-03-01T00:00:00Z' } }));
    expect(inStage(state, 'screening').profile.contract).toEqual({
      start: '2027-03-01T00:00:00.000Z',
      end: '2030-03-01T00:00:00.000Z',
      noticePeriod: compressedPolicy.contract.noticePeriod,
      autoRenew: false,
    });
  });

  it('records the command id as the causation id of every event', () => {
    const cmd = { ...registration(), metadata: { actor: ops, now: T0, commandId: 'update-42' } };
    const { events } = accepted(initialState, cmd);
    expect(events.map((e) => e.metadata.causationId)).toEqual(['update-42', 'update-42']);
  });

  it('lets an admin register', () => {
    expect(accepted(initialState, { ...registration(), metadata: { actor: admin, now: T0 } }).events).toHaveLength(2);
  });

  describe('refuses', () => {
    it('anyone but ops', () => {
      for (const actor of [exec, owner, viewer]) {
        expect(refused(initialState, { ...registration(), metadata: { actor, now: T0 } })).toMatchObject({
          code: 'forbidden',
          message: expect.stringContaining('may not register a partnership: ask a partnership manager (ops)'),
        });
      }
    });

    it('a second registration', () => {
      const { state } = given(registration());
      expect(refused(state, registration(at(T0, 'PT1M')))).toMatchObject({
        code: 'already_registered',
        message: `partnership ${PARTNERSHIP_ID} is already registered (it is in screening); register a new one under another id`,
      });
    });

    it('a malformed id, naming the field', () => {
      expect(refused(initialState, registration(T0, { partnershipId: 'has spaces' }))).toMatchObject({
        code: 'invalid_command',
        message: expect.stringMatching(/^RegisterPartnership is invalid: data\.partnershipId: /),
      });
    });

    it('an unknown kind or modifier', () => {
      expect(refused(initialState, registration(T0, { kind: 'franchise' as never })).message).toMatch(/data\.kind/);
      expect(refused(initialState, registration(T0, { modifiers: ['offshore' as never] })).message).toMatch(/data\.modifiers\[0\]/);
    });

    it('an invalid policy, naming the policy field', () => {
      const policy = { ...compressedPolicy, renewal: { ...compressedPolicy.renewal, leadTime: 'soon' } };
      expect(refused(initialState, registration(T0, { policy }))).toMatchObject({
        code: 'invalid_command',
        message: expect.stringContaining('data.policy.renewal.leadTime: expected an ISO-8601 duration'),
      });
    });

    it('a contract that ends before it starts', () => {
      expect(refused(initialState, registration(T0, { contract: { start: '2028-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' } })).message).toMatch(
        /data\.contract\.end: the contract must end after it starts/,
      );
    });

    it('any other command before registration', () => {
      expect(refused(initialState, command('RaiseIssue', { title: 'x', severity: 'low' }, ops, T0))).toEqual({
        code: 'not_registered',
        message: 'RaiseIssue needs a registered partnership: register the partnership first',
      });
    });
  });
});
