import { syntheticEvent } from '../../../bench/sample-events';
import { READ_MODELS } from '../../../projections/read-models';
import { catalogOf, createDecoder } from '../../../projections/runner';
import { summaryProjection, type SummaryDoc } from '../../../projections/summary/read-model';

const decode = createDecoder(catalogOf(READ_MODELS));

/** What bench:projections folds: its synthetic events must be valid and look like real work. */
describe('the synthetic events of bench:projections', () => {
  test.each([0, 1, 5, 123])('partnership %i: every event decodes, events after the registration are ~500 bytes, and its tasks open and close', (subject) => {
    let doc: SummaryDoc | null = null;
    const openTasks: number[] = [];
    const types = new Set<string>();
    for (let sequence = 1; sequence <= 100; sequence += 1) {
      const bytes = Buffer.from(syntheticEvent(subject, sequence));
      // The registration carries the partnership's pinned policy (~5 KB); every later event is padded to ~500 bytes.
      if (sequence > 1) expect([sequence, bytes.length >= 500 && bytes.length < 700]).toEqual([sequence, true]);
      const decoded = decode(bytes);
      if (!decoded.ok) throw new Error(`event ${sequence} does not decode: ${decoded.reason}: ${decoded.detail}`);
      types.add((decoded.event.data as { type: string }).type);
      doc = summaryProjection.fold(doc, decoded.event);
      openTasks.push(doc?.openTasks ?? -1);
    }
    // A round opens a task and closes an older one: open work stays small, as in a real phase.
    expect(Math.max(...openTasks.slice(20))).toBeLessThanOrEqual(3);
    expect(Math.min(...openTasks.slice(20))).toBeGreaterThanOrEqual(2);
    expect(doc?.openEscalations).toBeGreaterThanOrEqual(1);
    expect([...types].sort()).toEqual(
      [
        'EscalationStepFired',
        'IssueRaised',
        'PartnershipRegistered',
        'ScreeningScoreSubmitted',
        'TaskAssigned',
        'TaskCancelled',
        'TaskCompleted',
        'TaskOpened',
      ].sort(),
    );
  });

  test('assignments and escalations name a task that is open, so they change the work they are about', () => {
    let doc: SummaryDoc | null = null;
    let effective = 0;
    for (let sequence = 1; sequence <= 100; sequence += 1) {
      const decoded = decode(Buffer.from(syntheticEvent(7, sequence)));
      if (!decoded.ok) throw new Error(decoded.detail);
      const before: SummaryDoc | null = doc;
      doc = summaryProjection.fold(doc, decoded.event);
      const type = (decoded.event.data as { type: string }).type;
      if ((type === 'TaskAssigned' || type === 'EscalationStepFired') && JSON.stringify(before?.work) !== JSON.stringify(doc?.work)) effective += 1;
    }
    // 100 events: about 16 rounds of 6, each with one assignment and one escalation; the first round's refer to none.
    expect(effective).toBeGreaterThanOrEqual(28);
  });
});
