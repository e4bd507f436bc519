import type { Duration } from '@temporalio/common';
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/lifecycle-activities';
import { publishOptions } from './activity-options';

const { publishProbeEvent } = proxyActivities<Activities>(publishOptions);

/** Proves the stack end to end: this workflow's activity publishes an event that the projector writes to Redis. */
export async function stackProbeWorkflow(input: { probeId: string }): Promise<{ eventId: string }> {
  // Date.now() is deterministic inside a workflow: it is the time of the current workflow task.
  return await publishProbeEvent({ probeId: input.probeId, at: new Date(Date.now()).toISOString() });
}

/** Sleeps a durable timer; used to prove time skipping works. Returns workflow time before and after. */
export async function durableSleepWorkflow(duration: Duration): Promise<{ startedAt: number; wokeAt: number }> {
  const startedAt = Date.now();
  await sleep(duration);
  return { startedAt, wokeAt: Date.now() };
}
