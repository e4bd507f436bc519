#!/usr/bin/env node
/* global require, process, __dirname, module */
/* eslint-disable @typescript-eslint/no-require-imports -- dependency-free CommonJS: it runs before node_modules exists */
'use strict';
// Installs dependencies on first use, so `npm start` and `npm test` work as the first commands typed in a fresh clone.
// `npm ci` installs exactly package-lock.json and never rewrites it. It runs only when node_modules is missing or older
// than the lock (npm writes node_modules/.package-lock.json last when it installs), so after `npm ci` nothing reinstalls.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** @param {string} root */
function depsFresh(root) {
  try {
    const installed = fs.statSync(path.join(root, 'node_modules', '.package-lock.json')).mtimeMs;
    return installed >= fs.statSync(path.join(root, 'package-lock.json')).mtimeMs;
  } catch {
    return false;
  }
}

/** @param {string} root */
function ensureDeps(root = ROOT) {
  if (depsFresh(root)) return;
  process.stderr.write('▸ installing dependencies with npm ci (exactly package-lock.json; first use, or the lock changed)\n');
  // Under `npm run`, npm_execpath is the npm that runs us; use the same one.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`✗ npm ci failed (${result.error ? result.error.message : `exit ${result.status}`}); fix that, then run the command again\n`);
    process.exit(result.status || 1);
  }
}

module.exports = { ensureDeps, depsFresh };

if (require.main === module) ensureDeps();
