import { loadConfig } from '../../platform/config';
import { down, type ServiceName } from '../../infra/stack';

/** Stops only what globalSetup started: a stack the developer already had running stays up. */
export default async function globalTeardown(): Promise<void> {
  const started = ((globalThis as Record<string, unknown>).__partnerflowStarted ?? []) as ServiceName[];
  if (started.length > 0) await down(loadConfig(), started);
}
