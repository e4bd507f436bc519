import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { durableSleepWorkflow } from '../../workflows/probe';
import { createTimeSkippingEnv, quietTemporalLogs, unique, workflowBundle } from '../support/stack';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    quietTemporalLogs();
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  test('a workflow that sleeps 30 days completes in seconds of wall time', async () => {
    const taskQueue = unique('test-sleep');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle() });
    const wallStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof durableSleepWorkflow>('durableSleepWorkflow', {
        taskQueue,
        workflowId: unique('sleep-30-days'),
        args: ['30 days'],
      }),
    );
    const wallMs = Date.now() - wallStart;

    expect(result.wokeAt - result.startedAt).toBeGreaterThanOrEqual(30 * DAY_MS);
    // Without time skipping this could not finish before the test timeout; the bound documents "seconds, not days".
    expect(wallMs).toBeLessThan(60_000);
  });
});
