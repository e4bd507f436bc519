import { createKafka } from '../../platform/clients';
import { loadConfig } from '../../platform/config';
import { up } from '../../infra/stack';
import { ensureTopics } from '../../infra/topics';

/** Starts (provisioning first if needed) whatever part of the real stack is not running, through the same code `npm start` uses. */
export default async function globalSetup(): Promise<void> {
  const cfg = loadConfig();
  const started = await up(cfg, { testServer: true });
  await ensureTopics(createKafka(cfg), cfg);
  (globalThis as Record<string, unknown>).__partnerflowStarted = started;
}
