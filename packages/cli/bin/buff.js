#!/usr/bin/env node
// The published entry: runs the built CLI (dist/index.cjs, with its code cache; see load-bundle.js).
// In this repo `npm install` builds it (root `prepare`).
import { loadBundle } from './load-bundle.js';

process.exitCode = await loadBundle().exports.main(process.argv.slice(2));
