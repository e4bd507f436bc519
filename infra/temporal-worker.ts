import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/lifecycle-activities';
import { createKafkaPublisher, type EventPublisher } from '../activities/publisher';
import { TASK_QUEUE, TOPICS } from '../domain/names';
import { connectTemporalWorker, createKafka } from '../platform/clients';
import type { Config } from '../platform/config';

export interface RunningWorker {
  worker: Worker;
  /** Closes what createWorker opened (publishers and connection, unless passed in). */
  close(): Promise<void>;
}

/** The bundle entry point, for bundleWorkflowCode. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Builds the Temporal worker with its dependencies, created once from config. */
export async function createWorker(
  cfg: Config,
  opts: { connection?: NativeConnection; publisher?: EventPublisher; probePublisher?: EventPublisher; worker?: Partial<WorkerOptions> } = {},
): Promise<RunningWorker> {
  const connection = opts.connection ?? (await connectTemporalWorker(cfg));
  const publisher = opts.publisher ?? (await createKafkaPublisher(createKafka(cfg)));
  const probePublisher = opts.probePublisher ?? (await createKafkaPublisher(createKafka(cfg), TOPICS.probe));
  const worker = await Worker.create({
    connection,
    namespace: cfg.temporal.namespace,
    taskQueue: TASK_QUEUE,
    workflowsPath: opts.worker?.workflowBundle ? undefined : WORKFLOWS_PATH,
    activities: createActivities({ publisher, probePublisher }),
    ...opts.worker,
  });
  return {
    worker,
    async close() {
      if (!opts.publisher) await publisher.close();
      if (!opts.probePublisher) await probePublisher.close();
      if (!opts.connection) await connection.close();
    },
  };
}
