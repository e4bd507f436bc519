import { compressedPolicy, type Policy } from '../../domain/policy';
import { API_PREFIX } from '../../services/contract/paths';
import { startApiSystem, type ApiSystem } from '../support/api';
import { driveTo, people, registered, registrationData } from '../support/lifecycle';
import { eventually, unique } from '../support/stack';

/** Preliminary due diligence due in 2 s and a ladder that climbs every 2 s: every checklist task reaches L3 in ~10 s. */
const climbing: Policy = {
  ...compressedPolicy,
  version: `${compressedPolicy.version}-climbing`,
  dueDiligence: {
    ...compressedPolicy.dueDiligence,
    phases: { ...compressedPolicy.dueDiligence.phases, preliminary: { ...compressedPolicy.dueDiligence.phases.preliminary, duration: 'PT2S' } },
  },
  escalation: {
    ...compressedPolicy.escalation,
    reminderLead: 'PT1S',
    ladder: {
      overdue: { ...compressedPolicy.escalation.ladder.overdue, responseTime: 'PT2S' },
      L1: { ...compressedPolicy.escalation.ladder.L1, responseTime: 'PT2S' },
      L2: { ...compressedPolicy.escalation.ladder.L2, responseTime: 'PT2S' },
      L3: { ...compressedPolicy.escalation.ladder.L3, responseTime: 'PT1H' },
    },
  },
};

/**
 * One definition of an open escalation: the step each open task stands at, unless a reminder. After a ladder climbs
 * to L3 (and one escalation is acknowledged), the read models count and list exactly what the lifecycle does, and
 * inboxes hold only what their owners can act on.
 */
describe('escalations: the read models agree with the lifecycle', () => {
  let sys: ApiSystem;
  beforeAll(async () => {
    sys = await startApiSystem('escalation-counts', { policy: climbing });
  });
  afterAll(() => sys.close());

  test('after every task climbs to L3, summary, work board and inboxes match the workflow’s view', async () => {
    const id = unique('climb');
    await sys.lifecycle.register(registrationData(id, climbing), people.ops);
    await driveTo(sys.lifecycle, id, 'due_diligence', climbing);
    const atL3 = await eventually(
      async () => {
        const v = registered(await sys.lifecycle.state(id));
        // Tasks on the ladder (the gate's own decision task falls due minutes later) all stand at L3.
        const laddered = v.openTasks.filter((t) => t.lastStep !== null && t.lastStep !== 'reminder');
        return laddered.length >= 2 && laddered.every((t) => t.lastStep === 'L3') ? v : undefined;
      },
      90_000,
      'every laddered task at L3',
    );
    // One escalation acknowledged: still open (the task is), no longer in anyone's inbox.
    const first = atL3.openEscalations[0];
    if (first === undefined) throw new Error('no open escalation');
    await sys.lifecycle.command(id, 'AcknowledgeEscalation', { escalationId: first.id }, people.ops);
    const view = registered(await sys.lifecycle.state(id));
    const after = `?after=${view.sequence}`;

    const summary = await sys.call('GET', `${API_PREFIX}/partnerships/${id}${after}`);
    expect(summary.headers.get('partnerflow-caught-up')).toBe('true');
    expect(summary.body.openEscalations).toBe(view.openEscalationCount);
    expect(view.openEscalationCount).toBe(view.openTasks.filter((t) => t.lastStep === 'L3').length);

    const work = await sys.call('GET', `${API_PREFIX}/reports/work?limit=1000&after=${id}/${view.sequence}`);
    const mine = work.body.escalations.items.filter((e: { partnershipId: string }) => e.partnershipId === id);
    expect(mine.map((e: { escalationId: string }) => e.escalationId).sort()).toEqual(view.openEscalations.map((e) => e.id).sort());
    expect(mine.find((e: { escalationId: string }) => e.escalationId === first.id)?.acknowledgedAt).not.toBeNull();

    // Inboxes: the owner, PMO lead and sponsor hold nothing superseded (overdue, L1, L2); the steering committee holds
    // exactly the L3 escalations not acknowledged.
    for (const as of ['ops', 'exec', 'owner'] as const) {
      const inbox = await sys.call('GET', `${API_PREFIX}/me/inbox?limit=1000&after=${id}/${view.sequence}`, { as });
      expect({ as, items: inbox.body.items.filter((i: { partnershipId: string }) => i.partnershipId === id) }).toEqual({ as, items: [] });
    }
    const steering = first.addressee.id;
    const token = (await sys.tokenStore.create({ name: steering, roles: ['viewer'] })).token;
    const inbox = await fetch(`${sys.url}${API_PREFIX}/me/inbox?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    const items = ((await inbox.json()) as { items: Array<{ partnershipId: string; escalationId: string; step: string }> }).items.filter(
      (i) => i.partnershipId === id,
    );
    expect(items.map((i) => i.escalationId).sort()).toEqual(
      view.openEscalations
        .filter((e) => e.acknowledgedAt === null)
        .map((e) => e.id)
        .sort(),
    );
    expect(new Set(items.map((i) => i.step))).toEqual(new Set(['L3']));
  });
});
