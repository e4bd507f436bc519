import { upcast } from '../../../domain/upcast';
import { lifecycleCloudEventSchema } from '../../../projections/catalog';
import { lifecycleEvent } from './support/events';

/*
 * The lifecycle schema reads current-version data with the domain's eventSchema directly and everything else through
 * `upcast`: the outcome must be upcast's either way.
 */
describe('the lifecycle CloudEvent schema', () => {
  test('an older version is still read through its upcaster', () => {
    const v1 = lifecycleEvent({ subject: 'p-1', sequence: 3, type: 'IssueRaised', version: 1, data: { issueId: 'i-1', taskId: 't-1', title: 'Late' } });

    expect(lifecycleCloudEventSchema.safeParse(v1).success).toBe(true);
  });

  test('current-version data failing its schema is refused with upcast’s own message', () => {
    const bad = lifecycleEvent({ subject: 'p-1', sequence: 2, type: 'TaskAssigned', data: { taskId: 't-1', owner: '' }, poison: true });
    const expected = upcast(bad.data);

    const parsed = lifecycleCloudEventSchema.safeParse(bad);

    expect(expected.ok).toBe(false);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['data'], message: expected.ok ? '' : expected.error.message })]);
  });

  test('a version above the current one is refused as upcast refuses it', () => {
    const future = lifecycleEvent({ subject: 'p-1', sequence: 2, type: 'TaskCompleted', version: 9, data: { taskId: 't-1' }, poison: true });

    expect(lifecycleCloudEventSchema.safeParse(future).error?.issues[0]?.message).toContain('v9 was written by a newer partnerflow');
  });
});
