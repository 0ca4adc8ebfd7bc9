import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunRegistry, readRunFolder, scanRunFolders } from '@buff/registry';
import { buildRegistryChild, seededRandom, startChild } from './helpers/registry-processes.js';

// A child registers runs in a loop and is SIGKILLed at seeded random moments, 200 times.
// After every kill the registry reopens: every run the child reported as committed is listed
// and hash-valid, nothing partial is listed, and the index equals a rebuild from the folders.
const KILLS = Number(process.env.BUFF_CRASH_KILLS ?? 200);
let bundle: string;
let root: string;

beforeAll(async () => {
  bundle = await buildRegistryChild();
  root = mkdtempSync(join(tmpdir(), 'buff-crash-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fs registry under SIGKILL', () => {
  it(`loses no committed run and lists no partial one across ${KILLS} kills`, async () => {
    const random = seededRandom(20240601);
    const committed = new Set<string>();
    const verified = new Set<string>();
    let killedMidWrite = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const child = startChild(bundle, ['loop', root, `k${kill}`]);
      // one kill in eight lands while the child is still opening (reconciling, taking the lock)
      if (random() >= 0.125) await child.waitFor('ready');
      // half the kills come after a first commit, so the count of committed runs does not hang on the machine's load
      if (random() < 0.5) await child.waitFor((line) => line.startsWith('committed '));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 80)));
      child.kill();
      const exit = await child.exited;
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      const ids = child.lines.filter((line) => line.startsWith('committed ')).map((line) => line.slice(10));
      for (const id of ids) committed.add(id);
      if (child.lines.includes('ready')) killedMidWrite += 1;

      const registry = await openRunRegistry({ runsRoot: root });
      const listed = (await registry.list({ limit: 10_000, sort: 'id', order: 'asc' })).items;
      await registry.close();
      const listedIds = new Set(listed.map((record) => record.id));
      for (const id of committed) expect(listedIds.has(id), `committed ${id} missing after kill ${kill}`).toBe(true);
      for (const record of listed) {
        if (verified.has(record.id)) continue;
        expect(() => readRunFolder(join(root, record.id), { check: 'hashes' })).not.toThrow();
        verified.add(record.id);
      }
      const scan = scanRunFolders(root, { check: 'sizes' });
      expect(scan.corrupt).toEqual([]);
      expect(listed).toEqual(scan.records);
    }
    expect(committed.size).toBeGreaterThan(KILLS / 2);
    expect(killedMidWrite).toBeGreaterThan(KILLS / 2);
    console.log(
      `crash test: ${KILLS} kills, ${committed.size} committed runs, ${verified.size} listed and hash-checked`,
    );
  }, 900_000);
});
