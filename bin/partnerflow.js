#!/usr/bin/env node
/* global require, process, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS shim: it loads the compiled CLI */
'use strict';
// `partnerflow`: runs the compiled CLI (services/cli/main.ts → dist/services/cli/main.js, built by `npm run build`).
const path = require('node:path');
const fs = require('node:fs');

const main = path.join(__dirname, '..', 'dist', 'services', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write(`error: partnerflow is not built (${main} is missing): run \`npm run build\` in ${path.resolve(__dirname, '..')}\n`);
  process.exit(2);
}
require(main);
