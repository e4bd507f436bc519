import { spawn } from 'node:child_process';
import { binaryRefusal } from './checksums';
import { loadConfig } from '../platform/config';
import { runMain } from '../platform/entry';
import { ensureTemporalCli, toolPaths } from './provision';
import { temporalCliEnv } from './temporal-cli';

/** `npm run temporal -- <args>`: the Temporal CLI provisioning built (checked against its recorded SHA-256), aimed at partnerflow's cluster. */
runMain(async () => {
  const cfg = loadConfig();
  const cli = toolPaths(cfg).temporalCli;
  if ((await binaryRefusal(cli)) !== undefined) await ensureTemporalCli(cfg);
  const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit', env: temporalCliEnv(cfg) });
  // The CLI shares this terminal and handles Ctrl-C itself; this process only waits for it and passes its exit code on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
  process.exitCode = await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
});
