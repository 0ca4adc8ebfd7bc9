import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { fakeRunId, writeFakeRun } from './fake-run.js';
import { rebuildIndex } from './rebuild-index.js';
import { scanRunFolders } from './run-folder.js';
import { openRunRegistry, type RunRegistry } from './run-registry.js';

let root: string;
let registry: RunRegistry;

async function register(n: number, options: Parameters<typeof writeFakeRun>[2] = {}): Promise<string> {
  const id = fakeRunId(n);
  const staging = await registry.createStaging(id);
  writeFakeRun(staging, id, options);
  await registry.publish(id, staging);
  return id;
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'buff-runs-'));
  registry = await openRunRegistry({ runsRoot: root });
});
afterEach(async () => {
  await registry.close();
  rmSync(root, { recursive: true, force: true });
});

describe('RunRegistry (fs)', () => {
  it('publishes atomically, lists with filters, and is a RunStore', async () => {
    const a = await register(1, { strategy: 'rsi', symbols: ['ETH-USD'], timeframe: '5m' });
    const b = await register(2, {
      metrics: { totalReturn: 0.3, sharpe: 2, maxDrawdown: 0.1, tradeCount: 3, status: 'stopped' },
    });
    expect(await registry.has(a)).toBe(true);
    expect(existsSync(join(root, a, 'manifest.json'))).toBe(true);
    expect(existsSync(join(root, '.staging'))).toBe(true);
    const record = await registry.get(b);
    expect(record).toMatchObject({
      id: b,
      strategy: 'ma-cross',
      symbols: ['BTC-USD'],
      timeframe: '1h',
      status: 'stopped',
      legacy: false,
      tags: [],
    });
    expect(record?.metrics).toEqual({ totalReturn: 0.3, sharpe: 2, maxDrawdown: 0.1, tradeCount: 3 });
    expect((await registry.list({ strategy: 'rsi' })).items.map((r) => r.id)).toEqual([a]);
    expect((await registry.list({ symbol: 'ETH-USD', timeframe: '5m' })).total).toBe(1);
    expect((await registry.list({ status: 'stopped' })).items.map((r) => r.id)).toEqual([b]);
    expect((await registry.list({ sort: 'sharpe', order: 'desc' })).items.map((r) => r.id)).toEqual([b, a]);
    expect((await registry.list({ createdFrom: '2000-01-01', createdTo: '2999-01-01' })).total).toBe(2);
    expect((await registry.list({ createdTo: '2000-01-01' })).total).toBe(0);
  });

  it('publishing an existing id is a no-op that discards the staging folder', async () => {
    const id = await register(1);
    const before = await registry.get(id);
    const staging = await registry.createStaging(id);
    writeFakeRun(staging, id, { name: 'again' });
    await registry.publish(id, staging);
    expect(existsSync(staging)).toBe(false);
    expect(await registry.get(id)).toEqual(before);
    expect((await registry.list()).total).toBe(1);
  });

  it('refuses a staging folder whose artifacts do not match the manifest, and lists nothing', async () => {
    const id = fakeRunId(3);
    const staging = await registry.createStaging(id);
    writeFakeRun(staging, id);
    writeFileSync(join(staging, 'decisions.bin'), 'tampered');
    await expect(registry.publish(id, staging)).rejects.toMatchObject({ code: 'CORRUPT_ARTIFACT' });
    expect(await registry.has(id)).toBe(false);
    expect((await registry.list()).total).toBe(0);
  });

  it('writeArtifact returns the manifest entry; publish trusts it only while the file is the same', async () => {
    const id = fakeRunId(4);
    const staging = await registry.createStaging(id);
    const manifest = writeFakeRun(staging, id, { payloadBytes: 5000 });
    const payload = readFileSync(join(staging, 'decisions.bin'));
    const entry = await registry.writeArtifact(staging, 'decisions.bin', [
      payload.subarray(0, 100),
      payload.subarray(100),
    ]);
    expect(entry).toEqual(manifest.artifacts[0]);
    await registry.publish(id, staging);
    expect(await registry.has(id)).toBe(true);

    // Rewritten after writeArtifact with other bytes: hashed again, refused. The identity is the
    // inode, size and mtime (ns), so the rewrite is given another mtime as a later write would get.
    for (const [n, rewrite] of [
      [5, (bytes: Buffer) => Buffer.alloc(bytes.length + 1, 'x')],
      [6, (bytes: Buffer) => Buffer.alloc(bytes.length, 'x')],
    ] as const) {
      const other = fakeRunId(n);
      const dir = await registry.createStaging(other);
      writeFakeRun(dir, other, { payloadBytes: 5000 });
      const file = join(dir, 'decisions.bin');
      await registry.writeArtifact(dir, 'decisions.bin', [readFileSync(file)]);
      writeFileSync(file, rewrite(readFileSync(file)));
      utimesSync(file, new Date('2001-01-01T00:00:00Z'), new Date('2001-01-01T00:00:00Z'));
      await expect(registry.publish(other, dir)).rejects.toMatchObject({ code: 'CORRUPT_ARTIFACT' });
      expect(await registry.has(other)).toBe(false);
    }
  });

  it('tags runs and filters on tags; tags survive a rebuild', async () => {
    const id = await register(1);
    await register(2);
    await registry.setTags(id, ['best', 'best', 'baseline']);
    expect((await registry.list({ tag: 'best' })).items.map((r) => r.id)).toEqual([id]);
    await expect(registry.setTags(id, ['has space'])).rejects.toThrow();
    await rebuildIndex(root);
    const reopened = await openRunRegistry({ runsRoot: root });
    expect((await reopened.get(id))?.tags).toEqual(['baseline', 'best']);
    await reopened.close();
  });

  it('rejects ids with .. or / before touching the filesystem', async () => {
    for (const bad of ['../etc', 'run-0123/../../x', 'run-../../../../tmp', 'a/b', '..']) {
      await expect(registry.createStaging(bad)).rejects.toSatisfy((err) => isBuffError(err, 'INVALID_ID'));
      await expect(registry.get(bad)).rejects.toSatisfy((err) => isBuffError(err, 'INVALID_ID'));
      expect(() => registry.runDir(bad)).toThrow(/invalid run id/);
    }
  });

  it('a missing root is ROOT_MISSING unless asked to create it', async () => {
    const missing = join(root, 'nope');
    await expect(openRunRegistry({ runsRoot: missing })).rejects.toSatisfy((err) => isBuffError(err, 'ROOT_MISSING'));
    const created = await openRunRegistry({ runsRoot: missing, create: true });
    expect(created.root).toBe(missing);
    await created.close();
  });

  it('reconciles: a folder missing from the index is added, an entry without a folder dropped', async () => {
    const kept = await register(1);
    const lost = await register(2);
    // a published folder whose journal entry never made it (crash between rename and append)
    const orphan = fakeRunId(3);
    mkdirSync(join(root, orphan));
    writeFakeRun(join(root, orphan), orphan);
    rmSync(join(root, lost), { recursive: true });
    const reopened = await openRunRegistry({ runsRoot: root });
    expect((await reopened.list({ sort: 'id', order: 'asc' })).items.map((r) => r.id)).toEqual([kept, orphan].sort());
    expect((await reopened.list()).items).toEqual(expect.arrayContaining(scanRunFolders(root).records));
    await reopened.close();
  });

  it('garbage and torn journal lines are skipped and reported; nothing else is lost', async () => {
    const ids = [await register(1), await register(2)];
    appendFileSync(
      join(root, '.index', 'journal.jsonl'),
      'deadbeef {"op":"put","c":"runs","id":"x"}\nnot a line at all\n{"half":',
    );
    const reader = await openRunRegistry({ runsRoot: root });
    expect((await reader.list()).total).toBe(2);
    expect(
      reader
        .problems()
        .map((p) => p.problem)
        .join('\n'),
    ).toMatch(/checksum mismatch[\s\S]*not a journal line[\s\S]*torn tail/);
    // the next writer cuts the torn tail, compacts the garbage away, and appends cleanly
    ids.push(await register(3));
    const after = await openRunRegistry({ runsRoot: root });
    expect((await after.list()).items.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(after.problems()).toEqual([]);
    await reader.close();
    await after.close();
  });

  it('recovers a lock left by a dead process', async () => {
    mkdirSync(join(root, '.index'), { recursive: true });
    writeFileSync(
      join(root, '.index', 'lock'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        hostname: hostname(),
        startedAt: '2024-01-01T00:00:00.000Z',
        token: 'dead',
      }),
    );
    const id = await register(1);
    expect((await registry.get(id))?.id).toBe(id);
    expect(existsSync(join(root, '.index', 'lock'))).toBe(false);
  });

  it('a live lock makes writers wait, then LOCK_TIMEOUT', async () => {
    mkdirSync(join(root, '.index'), { recursive: true });
    writeFileSync(
      join(root, '.index', 'lock'),
      JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), token: 'live' }),
    );
    const { openFsDriver } = await import('./fs-driver.js');
    const driver = openFsDriver({ root, lockTimeoutMs: 200 });
    await expect(driver.insert('runs', 'x', {})).rejects.toSatisfy((err) => isBuffError(err, 'LOCK_TIMEOUT'));
    expect(JSON.parse(readFileSync(join(root, '.index', 'lock'), 'utf8')).token).toBe('live');
  });

  it('rebuildIndex reports corrupt folders and legacy runs, and keeps the good runs', async () => {
    const good = await register(1);
    const bad = fakeRunId(9);
    mkdirSync(join(root, bad));
    writeFileSync(join(root, bad, 'manifest.json'), '{ not json');
    mkdirSync(join(root, 'notes'));
    const report = await rebuildIndex(root);
    expect(report.runs).toBe(1);
    expect(report.corrupt).toEqual([
      { dir: join(root, bad), problem: expect.stringMatching(/manifest.json is not valid JSON/) },
    ]);
    expect(report.ignored).toEqual(['notes']);
    const reopened = await openRunRegistry({ runsRoot: root });
    expect((await reopened.list()).items.map((r) => r.id)).toEqual([good]);
    expect(reopened.problems().map((p) => p.file)).toEqual([join(root, bad)]);
    await reopened.close();
  });
});
