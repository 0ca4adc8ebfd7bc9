import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunRegistry, scanRunFolders } from '@buff/registry';
import { startTestPostgres } from './helpers/pg.js';
import { buildRegistryChild, startChild } from './helpers/registry-processes.js';

// 4 processes register 50 runs each at once (plus 10 ids they all race for); all 210 are
// listed exactly once. A registry reopened in a new process lists the same runs, same metadata.
let bundle: string;
const roots: string[] = [];
const server = await startTestPostgres();

beforeAll(async () => {
  bundle = await buildRegistryChild();
});
afterAll(async () => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  await server?.stop();
});

async function raceFourWriters(root: string, driverArgs: string[]): Promise<void> {
  const children = [0, 1, 2, 3].map((p) => startChild(bundle, ['count', root, `p${p}`, '50', '10', ...driverArgs]));
  for (const child of children) {
    const exit = await child.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(child.lines.filter((line) => line.startsWith('committed '))).toHaveLength(60);
  }
}

async function checkAllListedOnce(root: string, driverArgs: { driver?: 'postgres'; pgUrl?: string }): Promise<void> {
  const registry = await openRunRegistry({ runsRoot: root, ...driverArgs });
  const { items, total } = await registry.list({ limit: 10_000, sort: 'id', order: 'asc' });
  await registry.close();
  expect(total).toBe(210);
  expect(new Set(items.map((record) => record.id)).size).toBe(210);
  expect(items).toEqual(scanRunFolders(root).records);
}

async function checkRestart(
  root: string,
  driverArgs: string[],
  opts: { driver?: 'postgres'; pgUrl?: string },
): Promise<void> {
  const registry = await openRunRegistry({ runsRoot: root, ...opts });
  const here = (await registry.list({ limit: 10_000, sort: 'id', order: 'asc' })).items;
  await registry.close();
  const child = startChild(bundle, ['dump', root, ...driverArgs]);
  const exit = await child.exited;
  expect(exit.code, exit.stderr).toBe(0);
  expect(JSON.parse(child.lines[0] ?? 'null')).toEqual(here);
}

describe('fs driver, 4 writer processes', () => {
  it('lists all 210 runs once, and the same after a restart in a new process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'buff-conc-'));
    roots.push(root);
    await raceFourWriters(root, []);
    await checkAllListedOnce(root, {});
    await checkRestart(root, [], {});
  }, 120_000);
});

describe.skipIf(!server)('postgres driver, 4 writer processes', () => {
  it('lists all 210 runs once, and the same after a restart in a new process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'buff-conc-pg-'));
    roots.push(root);
    const pgUrl = await server!.createDatabase();
    await raceFourWriters(root, ['postgres', pgUrl]);
    await checkAllListedOnce(root, { driver: 'postgres', pgUrl });
    await checkRestart(root, ['postgres', pgUrl], { driver: 'postgres', pgUrl });
  }, 120_000);
});
