import fs from 'node:fs';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Options of a project worker thread. */
export interface ProjectWorkerOptions {
  workerData: Record<string, unknown>;
  resourceLimits?: ResourceLimits;
}

/** A script that runs a .ts module in a thread (`workerData.__entry`); only the tests, running from sources, set one. */
let tsBootstrap: string | undefined;

/** Lets threads start from TypeScript sources, with this bootstrap script (test/support/ts-threads.ts). */
export function useTsThreads(bootstrap: string): void {
  tsBootstrap = bootstrap;
}

/** A worker thread running `modulePath` (absolute, without extension): its built .js, or its .ts where the tests allow. */
export function startProjectWorker(modulePath: string, opts: ProjectWorkerOptions): Worker {
  const js = `${modulePath}.js`;
  if (fs.existsSync(js)) return new Worker(js, { workerData: opts.workerData, resourceLimits: opts.resourceLimits });
  const ts = `${modulePath}.ts`;
  if (tsBootstrap === undefined || !fs.existsSync(ts)) throw new Error(`no worker module at ${js}: build first (npm run build)`);
  return new Worker(tsBootstrap, { eval: true, workerData: { ...opts.workerData, __entry: ts }, resourceLimits: opts.resourceLimits });
}
