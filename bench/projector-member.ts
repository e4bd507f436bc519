import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, createRedis } from '../platform/clients';
import { loadConfig } from '../platform/config';
import { READ_MODELS } from '../projections/read-models';
import { startProjector } from '../projections/runner';

/*
 * One member of the projector group bench:projections scales out with: a live projector in a thread of its own (as a
 * separate projector process would be), reporting how many events it has consumed until told to stop.
 */

/** The member's settings (`workerData`). */
export interface MemberData {
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  keyPrefix: string;
}

/** What a member tells the bench. */
export type FromMember = { t: 'consumed'; consumed: number } | { t: 'stopped' } | { t: 'failed'; message: string };

async function main(data: MemberData): Promise<void> {
  const cfg = loadConfig();
  const redis = createRedis(cfg);
  const projector = await startProjector({
    kafka: createKafka(cfg),
    redis,
    projections: READ_MODELS,
    topic: data.topic,
    deadLetterTopic: data.deadLetterTopic,
    groupId: data.groupId,
    keyPrefix: data.keyPrefix,
    log: () => undefined,
  });
  const report = setInterval(() => parentPort?.postMessage({ t: 'consumed', consumed: projector.metrics().consumed } satisfies FromMember), 20);
  parentPort?.once('message', () => {
    clearInterval(report);
    void projector.stop().then(() => {
      redis.disconnect();
      parentPort?.postMessage({ t: 'stopped' } satisfies FromMember);
    });
  });
}

main(workerData as MemberData).catch((e: unknown) =>
  parentPort?.postMessage({ t: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies FromMember),
);
