import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { stackProbeWorkflowId, TASK_QUEUE } from '../domain/names';
import type { stackProbeWorkflow } from '../workflows/probe';
import { readProbeEvent } from '../projections/probe/read-model';
import { ReadModelReader } from '../projections/runner';
import { connectTemporalClient, createRedis } from '../platform/clients';
import type { Config } from '../platform/config';
import { InfraError, sleep } from './processes';

/** Runs the stack probe end to end (workflow → activity → Kafka → projector → Redis); returns how long it took. */
export async function runStackProbe(cfg: Config, timeoutMs = 60_000): Promise<{ ms: number; workflowId: string; eventId: string }> {
  const started = Date.now();
  const connection = await connectTemporalClient(cfg);
  const redis = createRedis(cfg);
  try {
    const client = new Client({ connection, namespace: cfg.temporal.namespace });
    const probeId = randomUUID();
    const workflowId = stackProbeWorkflowId(probeId);
    const { eventId } = await client.workflow.execute<typeof stackProbeWorkflow>('stackProbeWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ probeId }],
      workflowExecutionTimeout: `${Math.ceil(timeoutMs / 1000)} seconds`,
    });
    const reader = new ReadModelReader(redis);
    while (Date.now() - started < timeoutMs) {
      if ((await readProbeEvent(reader, eventId)) !== null) return { ms: Date.now() - started, workflowId, eventId };
      await sleep(100);
    }
    throw new InfraError(`the probe event ${eventId} did not reach Redis within ${timeoutMs / 1000} s; is the projector running? (see its output)`);
  } finally {
    redis.disconnect();
    await connection.close();
  }
}
