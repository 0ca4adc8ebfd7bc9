#!/usr/bin/env node
// The published entry: runs the built CLI (dist/index.cjs, with its code cache; see load-bundle.js).
// In this repo `npm install` builds it (root `prepare`).
import { pathToFileURL } from 'node:url';
import { startEarlyParseWorker } from './early-worker.js';
import { BUNDLE, loadBundle } from './load-bundle.js';

const argv = process.argv.slice(2);
const early = startEarlyParseWorker(argv, pathToFileURL(BUNDLE));
const { exports } = loadBundle();
if (early !== undefined) exports.offerParseWorker(early);
process.exitCode = await exports.main(argv);
