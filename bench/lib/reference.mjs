// What the whole-process benchmarks share: a timed child process, the median, and the DuckDB
// reference (a node process reading a CSV into an in-memory table with @duckdb/node-api).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Runs argv[0] with the rest as arguments from the repo root; returns wall ms and output, throws on failure. */
export function timedRun(args, env = {}) {
  const start = performance.now();
  const result = spawnSync(args[0], args.slice(1), {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 16 * 2 ** 20,
  });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** argv of a node process in which DuckDB reads `csv` into a table and prints its row count. */
export function duckdbReadCsvArgs(csv) {
  const script = `
import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("CREATE TABLE t AS SELECT * FROM read_csv('${csv}')");
const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM t');
process.stdout.write(String(reader.getRows()[0][0]) + '\\n');
`;
  return [process.execPath, '--input-type=module', '-e', script];
}
