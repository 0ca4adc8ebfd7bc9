import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PARALLEL_PARSE_BYTES } from '@buff/ingest/workers';
// @ts-expect-error plain JS next to the bin, no declarations
import { EARLY_PARSE_BYTES, startEarlyParseWorker } from '../packages/cli/bin/early-worker.js';
import { assertCliBuilt, BUILT_CLI_INDEX } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// bin/buff.js starts the CSV parse worker before it loads the bundle, from the arguments alone.
// The two-thread ingest through the bin itself is in built-cli.test.ts.

const temp = makeTempDir('buff-early-worker-');
afterAll(() => temp.cleanup());
const bundle = pathToFileURL(BUILT_CLI_INDEX);
type Start = (argv: string[], bundle: URL) => import('node:worker_threads').Worker | undefined;
const start = startEarlyParseWorker as Start;

/** A sparse file of exactly the threshold's size: only the size matters here. */
function bigFile(): string {
  const path = join(temp.dir, 'big.csv');
  writeFileSync(path, '');
  truncateSync(path, PARALLEL_PARSE_BYTES);
  return path;
}

describe('the early parse worker of bin/buff.js', () => {
  it('uses the same size threshold as the two-thread read', () => {
    expect(EARLY_PARSE_BYTES).toBe(PARALLEL_PARSE_BYTES);
  });

  it('starts dist/parse-worker.cjs for `ingest csv` of a large file (--input X and --input=X)', async () => {
    assertCliBuilt();
    const big = bigFile();
    for (const argv of [
      ['ingest', 'csv', '--input', big, '--symbol', 'X'],
      ['ingest', 'csv', '--symbol', 'X', `--input=${big}`],
    ]) {
      const worker = start(argv, bundle);
      expect(worker, argv.join(' ')).toBeDefined();
      await new Promise<void>((resolve, reject) => {
        worker?.once('online', resolve);
        worker?.once('error', reject);
      });
      await worker?.terminate();
    }
  });

  it('starts nothing for a small file, a missing file, another command or no --input', () => {
    const small = join(temp.dir, 'small.csv');
    writeFileSync(small, 'timestamp,open,high,low,close,volume\n');
    const big = bigFile();
    for (const argv of [
      ['ingest', 'csv', '--input', small, '--symbol', 'X'],
      ['ingest', 'csv', '--input', join(temp.dir, 'missing.csv'), '--symbol', 'X'],
      ['ingest', 'arrow', '--input', big, '--symbol', 'X'],
      ['data', 'list', '--input', big],
      ['ingest', 'csv', '--symbol', 'X'],
    ]) {
      expect(start(argv, bundle), argv.join(' ')).toBeUndefined();
    }
  });
});
