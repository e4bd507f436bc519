/** Every name shared between processes lives here, once: task queue, topics, key prefixes, workflow ids. */

/** The task queue every partnerflow worker polls. */
export const TASK_QUEUE = 'partnerflow';

/** Kafka topics. The lifecycle log is kept forever; it is the source of truth every read model is rebuilt from. */
export const TOPICS = {
  lifecycleEvents: 'partnerflow.lifecycle-events.v1',
  deadLetter: 'partnerflow.lifecycle-events.dlq.v1',
  /** The start-up probe's events: a topic of their own, so the lifecycle log carries business events only. */
  probe: 'partnerflow.stack-probe.v1',
} as const;

/** The CloudEvents type of the start-up probe's event (on `TOPICS.probe`). */
export const PROBE_EVENT_TYPE = 'partnerflow.stack.probed';

/** Consumer group of the projection workers. */
export const PROJECTOR_GROUP = 'partnerflow-projector';

/** Root of every Redis key partnerflow writes. */
export const REDIS_PREFIX = 'pf';

/** CloudEvents `source` of everything partnerflow emits. */
export const EVENT_SOURCE = 'urn:partnerflow';

/** The lifecycle workflow of one partnership: commands address the partnership id, never a run. */
export function partnershipWorkflowId(partnershipId: string): string {
  return `partnership-${partnershipId}`;
}

/** The end-to-end probe that proves Temporal, Kafka and Redis are wired together. */
export function stackProbeWorkflowId(probeId: string): string {
  return `stack-probe-${probeId}`;
}
