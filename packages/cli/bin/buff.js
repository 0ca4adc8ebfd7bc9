#!/usr/bin/env node
// The published entry: runs the built CLI (dist/index.cjs, with its code cache; see load-bundle.js).
// In this repo `npm install` builds it (root `prepare`). CommonJS, like the rest of bin/
// (bin/package.json): Node's ES module loader would add about 7 ms to every command.
'use strict';
const { pathToFileURL } = require('node:url');
const { startEarlyParseWorker } = require('./early-worker.js');
const { BUNDLE, loadBundle } = require('./load-bundle.js');

const argv = process.argv.slice(2);
const early = startEarlyParseWorker(argv, pathToFileURL(BUNDLE));
const cli = loadBundle().exports;
if (early !== undefined) cli.offerParseWorker(early);
cli.main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`buff: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
