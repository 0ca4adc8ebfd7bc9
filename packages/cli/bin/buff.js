#!/usr/bin/env node
// The published entry: runs the built CLI. In this repo `npm ci` builds it (root `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(dist)) {
  process.stderr.write('buff: the CLI is not built; run `npm run build` at the repo root\n');
  process.exit(1);
}
const { main } = await import(dist);
process.exitCode = await main(process.argv.slice(2));
