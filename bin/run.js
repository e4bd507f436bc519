#!/usr/bin/env node
/* global require, process, __dirname, module */
/* eslint-disable @typescript-eslint/no-require-imports -- dependency-free CommonJS: it may have to install and build first */
'use strict';
// Build once, run many: `node bin/run.js <entry> [args…]` runs dist/<entry>.js, compiling first only when a source
// file is newer than the last build (tsc --incremental keeps that compile to what changed). `--build` just builds.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureDeps } = require('./ensure-deps');

const ROOT = path.resolve(__dirname, '..');
/**
 * What an entry is built by: the product (dist/, tsconfig.build.json) or, for the benches, a build of its own
 * (dist-bench/, tsconfig.bench.json), so benches never ship in the product's dist/.
 * @param {string} entry
 */
const targetOf = (entry) => (entry.startsWith('bench/') ? { project: 'tsconfig.bench.json', dist: 'dist-bench' } : { project: 'tsconfig.build.json', dist: 'dist' });
/** @param {string} root @param {string} dist */
const stampOf = (root, dist = 'dist') => path.join(root, dist, '.build-stamp');

/** @param {string} dir @param {number} since @returns {string | undefined} a file under dir changed after `since` */
function newerUnder(dir, since) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules') continue;
      const found = newerUnder(full, since);
      if (found) return found;
    } else if (fs.statSync(full).mtimeMs > since) return full;
  }
  return undefined;
}

/**
 * Why the build under root is stale (a changed file, or no build yet), or undefined when it is current. Stale when a
 * file in a folder tsconfig.build.json compiles, a tsconfig or the installed dependencies changed since the last build.
 * @param {string} root
 */
function staleBecause(root, target = targetOf('')) {
  let built;
  try {
    built = fs.statSync(stampOf(root, target.dist)).mtimeMs;
  } catch {
    return 'no build yet';
  }
  const tsconfig = path.join(root, target.project);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- our own tsconfig; `include` is a list of folders
  const project = /** @type {{ include: string[] }} */ (JSON.parse(fs.readFileSync(tsconfig, 'utf8')));
  const files = [tsconfig, path.join(root, 'tsconfig.json'), path.join(root, 'node_modules', '.package-lock.json')];
  const changed = files.find((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > built);
  return changed ?? project.include.map((dir) => newerUnder(path.join(root, dir), built)).find(Boolean);
}

/** @param {{ project: string; dist: string }} target */
function build(target) {
  // The stamp gets the time the compile started: a file saved during it makes the next run compile again.
  const started = new Date();
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '-p', path.join(ROOT, target.project), '--incremental', '--tsBuildInfoFile', path.join(ROOT, target.dist, '.tsbuildinfo')];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('✗ the TypeScript build failed (above)\n');
    process.exit(result.status || 1);
  }
  fs.writeFileSync(stampOf(ROOT, target.dist), `${started.toISOString()}\n`);
  fs.utimesSync(stampOf(ROOT, target.dist), started, started);
}

function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write('usage: node bin/run.js <entry under dist, e.g. services/cli/main> [args…] | --build\n');
    process.exit(2);
  }
  ensureDeps(ROOT);
  if (entry === '--build') return build(targetOf(''));
  const target = targetOf(entry);
  const why = staleBecause(ROOT, target);
  if (why) {
    process.stderr.write(`▸ compiling TypeScript (${why.startsWith(ROOT) ? `${path.relative(ROOT, why)} changed` : why})\n`);
    build(target);
  }
  const script = path.join(ROOT, target.dist, `${entry}.js`);
  // In this process: no second Node start-up, and signals reach the program directly.
  process.argv = [process.argv[0] ?? process.execPath, script, ...args];
  require(script);
}

module.exports = { staleBecause };

if (require.main === module) main();
