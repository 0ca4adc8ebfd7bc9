// A child of bench/workers.mjs's ceiling check: loads the data and simulates a chunk of sweep cells
// once (fresh indicator series, warm JIT), then on each line "go" on stdin simulates the same cells
// again (every series cached: arithmetic and memory reads only) and prints the wall and CPU ms it took.
// argv: repo, data root, run config JSON (the sweep's base), fast values, slow values (comma lists).
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const [repo, dataRoot, baseJson, fastList, slowList] = process.argv.slice(2);
const engine = await import(join(repo, 'packages/engine/dist/index.js'));
const base = JSON.parse(baseJson);
const cells = [];
for (const slow of slowList.split(',').map(Number))
  for (const fast of fastList.split(',').map(Number))
    cells.push({ cell: cells.length, config: { ...base, strategy: { ...base.strategy, params: { fast, slow } } } });
const payload = { sweepKey: 'ceiling', walkForward: { scheme: 'rolling', folds: 4 }, cscvBlocks: 8, cells };
const cache = {};
await engine.sweepCellSummaries(payload, dataRoot, cache);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') break;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await engine.sweepCellSummaries(payload, dataRoot, cache);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}
