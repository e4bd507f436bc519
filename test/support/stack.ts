import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../platform/config';
import { toolPaths } from '../../infra/provision';
import { ensureSearchAttributes } from '../../infra/search-attributes';
import { WORKFLOWS_PATH } from '../../infra/temporal-worker';

let runtimeInstalled = false;

/** Keeps SDK logs quiet in tests: warnings and errors only. */
export function quietTemporalLogs(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export function testConfig(): Config {
  return loadConfig();
}

/** A name no other test (or earlier run) uses. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return bundle;
}

/** The Java time-skipping test server that provisioning installed (the SDK cannot download one here). */
export async function createTimeSkippingEnv(cfg: Config = testConfig()): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolPaths(cfg).testServerScript } },
  });
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A topic of its own for one test file; `remove` deletes it afterwards so runs do not pile topics up. */
export async function createTestTopic(kafka: Kafka, prefix: string, partitions = 3): Promise<{ topic: string; remove: () => Promise<void> }> {
  const topic = unique(prefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return {
    topic,
    async remove() {
      const a = kafka.admin();
      await a.connect();
      try {
        await a.deleteTopics({ topics: [topic] });
      } finally {
        await a.disconnect();
      }
    },
  };
}
