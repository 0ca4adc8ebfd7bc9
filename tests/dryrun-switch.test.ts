import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournalFrom, readSession, type JournalEntry } from '@buff/engine';
import { openModelRegistry } from '@buff/registry';
import { registerSecondVersion, rootFlags } from './helpers/dryrun.js';
import { backtestBytes, dryConfigYaml } from './helpers/dryrun-setup.js';
import { lastJson, REPO_ROOT } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// A session follows the alias its config names: a promotion while it runs, then `models rollback`,
// are picked up at the next bar boundary; the journal records each switch (from, to, alias) on the
// bar whose decision first comes from the new version, and the model registry's audit log has one
// `dryrun-switch` record per switch naming the session, the bar and the versions.
const tmp = makeTempDir('buff-dryrun-switch-');
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let configPath: string;
let v2: number;
let v2Id: string;
const runsRoot = () => join(tmp.dir, 'runs');
const roots = () => rootFlags(runsRoot(), fx);

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  // registered, not promoted yet
  ({ version: v2, modelId: v2Id } = await registerSecondVersion(fx, tmp.dir));
  configPath = join(tmp.dir, 'dry.yml');
  writeFileSync(configPath, `${dryConfigYaml([fx.symbol])}\n`);
}, 300_000);
afterAll(() => tmp.cleanup());

/** Waits (bounded: 120 s) until the session's journal has `n` lines; its entries so far. */
async function journalAtLeast(id: string, n: number, exited: () => string | undefined): Promise<JournalEntry[]> {
  for (let i = 0; i < 1200; i++) {
    const { entries } = readJournalFrom(runsRoot(), id, 0);
    if (entries.length >= n) return entries;
    const why = exited();
    if (why !== undefined) throw new Error(`the session's process ended at ${entries.length} bars: ${why}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`session ${id} did not reach ${n} bars within 120 s`);
}

/** The one session under the runs root, once the child has opened it (bounded: 120 s). */
async function sessionId(): Promise<string> {
  const { listSessions } = await import('@buff/engine');
  for (let i = 0; i < 1200; i++) {
    const [first] = listSessions(runsRoot());
    if (first) return first.id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no dry-run session opened within 120 s');
}

describe('buff dryrun follows its alias', () => {
  it('a promotion and a rollback while the session runs switch the model at a bar boundary, journaled and audited', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')].concat(
        [join(REPO_ROOT, 'packages/cli/src/bin.ts'), 'dryrun', '--config', configPath, '--sleep-seconds', '0.03'],
        roots(),
        ['--json'],
      ),
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BUFF_LOG_LEVEL: 'warn' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let code: number | null | undefined;
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve((code = c))));
    const exited = () => (code === undefined ? undefined : `exit ${code}: ${stderr} ${stdout.slice(-2000)}`);
    const id = await sessionId();
    const registry = await openModelRegistry({ modelsRoot: fx.modelsRoot });
    let promotedAt: number;
    let rolledBackAt: number;
    try {
      promotedAt = (await journalAtLeast(id, 120, exited)).length;
      await registry.promote('sig', v2, { actor: 'test', reason: 'v2 while the session runs' });
      rolledBackAt = (await journalAtLeast(id, promotedAt + 120, exited)).length;
      await registry.rollback('sig', { actor: 'test', reason: 'back to v1' });
    } finally {
      await registry.close();
    }
    expect(await closed, stderr).toBe(0);
    const result = lastJson<{ status: string; dir: string; counts: { bars: number; modelSwitches: number } }>(stdout);
    expect(result.status).toBe('completed');
    expect(result.counts).toMatchObject({ bars: 480, modelSwitches: 2 });

    // the journal: one switch line per alias move, each after the move, v1 -> v2 then v2 -> v1
    const entries = readJournalFrom(runsRoot(), id, 0).entries;
    const switches = entries.filter((e) => e.switchTo);
    expect(switches.map((e) => e.switchTo)).toEqual([
      { version: v2, id: v2Id, from: { version: fx.version, id: fx.modelId }, alias: 'champion' },
      { version: fx.version, id: fx.modelId, from: { version: v2, id: v2Id }, alias: 'champion' },
    ]);
    const [toV2, toV1] = switches.map((e) => e.seq) as [number, number];
    expect(toV2).toBeGreaterThanOrEqual(promotedAt);
    expect(toV1).toBeGreaterThanOrEqual(rolledBackAt);
    expect(toV1).toBeGreaterThan(toV2);
    expect(readSession(runsRoot(), id).counts.modelSwitches).toBe(2);

    // the bar boundary: every decision before the switch bar comes from v1, from it on from v2, then v1 again
    const decisions = tableFromIPC(readFileSync(join(result.dir, 'decisions.arrow')));
    expect(decisions.numRows).toBe(480);
    const version = Array.from(decisions.getChild('input.modelVersion')?.toArray() as Float64Array);
    const scored = version.map((v, row) => [v, row] as const).filter(([v]) => Number.isFinite(v));
    expect(scored.length).toBeGreaterThan(300);
    for (const [v, row] of scored) expect(v).toBe(row >= toV2 && row < toV1 ? v2 : fx.version);
    for (const e of entries.filter((x) => x.signal))
      expect(e.signal?.version).toBe(e.seq >= toV2 && e.seq < toV1 ? v2 : fx.version);
    // v2 really decided those bars: they differ from the backtest of v1 alone, the bars before equal it
    const v1Only = tableFromIPC(
      (
        await backtestBytes(tmp.dir, dryConfigYaml([fx.symbol]), [
          '--runs-root',
          join(tmp.dir, 'bt-runs'),
          '--data-root',
          fx.dataRoot,
          '--models-root',
          fx.modelsRoot,
        ])
      ).decisions,
    );
    const p = Array.from(decisions.getChild('input.probability')?.toArray() as Float64Array);
    const p1 = Array.from(v1Only.getChild('input.probability')?.toArray() as Float64Array);
    expect(p.slice(0, toV2)).toEqual(p1.slice(0, toV2));
    const differ = p.slice(toV2, toV1).filter((x, i) => Number.isFinite(x) && x !== p1[toV2 + i]).length;
    expect(differ).toBeGreaterThan(0);

    // the model registry's audit log: the promotion, the rollback and one dryrun-switch record per switch
    const audit = await (async () => {
      const r = await openModelRegistry({ modelsRoot: fx.modelsRoot });
      try {
        return await r.auditLog('sig');
      } finally {
        await r.close();
      }
    })();
    const used = audit.filter((a) => a.action === 'dryrun-switch');
    expect(used.map((a) => [a.actor, a.details])).toEqual(
      switches.map((e) => [
        `dryrun:${id}`,
        {
          session: id,
          seq: e.seq,
          symbol: fx.symbol,
          barTs: new Date(e.bar[0]).toISOString(),
          alias: 'champion',
          from: e.switchTo?.from?.version,
          to: e.switchTo?.version,
        },
      ]),
    );
    const order = audit.map((a) => a.action).filter((a) => a !== 'evaluate' && a !== 'register');
    expect(order.slice(-4)).toEqual(['promote', 'dryrun-switch', 'rollback', 'dryrun-switch']);
  }, 300_000);
});
