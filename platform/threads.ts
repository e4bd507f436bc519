import fs from 'node:fs';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/*
 * Starts a worker thread on a module of this project, given without extension. Built code (dist/) runs the .js file.
 * Run from TypeScript sources (the tests run them through @swc/jest), the thread has no transpiler of its own, so it
 * compiles the project's .ts files on load with @swc/core, a development dependency the tests already use.
 */
/** JavaScript that makes `require` compile `.ts` files with @swc/core, then requires the module `entry` evaluates to. */
export function tsBootstrap(entry: string): string {
  return `
const fs = require('node:fs');
const swc = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
require(${entry});
`;
}

const TS_BOOTSTRAP = tsBootstrap(`require('node:worker_threads').workerData.__entry`);

/** Options of a project worker thread. */
export interface ProjectWorkerOptions {
  workerData: Record<string, unknown>;
  resourceLimits?: ResourceLimits;
}

/** A worker thread running `modulePath` (absolute, without extension). */
export function startProjectWorker(modulePath: string, opts: ProjectWorkerOptions): Worker {
  const js = `${modulePath}.js`;
  if (fs.existsSync(js)) return new Worker(js, { workerData: opts.workerData, resourceLimits: opts.resourceLimits });
  const ts = `${modulePath}.ts`;
  if (!fs.existsSync(ts)) throw new Error(`no worker module at ${js} or ${ts}`);
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...opts.workerData, __entry: ts }, resourceLimits: opts.resourceLimits });
}
