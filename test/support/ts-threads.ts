import { useTsThreads } from '../../platform/threads';

/**
 * Run from TypeScript sources (the tests run them through @swc/jest), a worker thread has no transpiler of its own:
 * this makes it compile the project's .ts files on load with @swc/core, a development dependency. Jest loads this file
 * before the integration tests (`setupFiles`); built code (dist/) runs .js threads and never needs it.
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

useTsThreads(tsBootstrap(`require('node:worker_threads').workerData.__entry`));
