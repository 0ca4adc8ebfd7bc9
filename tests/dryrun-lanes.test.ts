import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  laneConfig,
  readJournalFrom,
  readSession,
  readSessionSnapshot,
  splitDryRunConfig,
  type RunConfigInput,
} from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { lastJson, runBuff } from './helpers/cli.js';
import { backtestBytes, dryConfigYaml } from './helpers/dryrun-setup.js';
import { runBuilt } from './helpers/built-cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// A two-symbol session through the CLI (one lane per symbol, the second on its own model): each lane's decisions,
// trades and signals equal `buff run build` of that symbol's laneConfig; the built `buff runs list`
// shows the session with kind dryrun beside the registered runs, and --kind dryrun only it.
const tmp = makeTempDir('buff-dryrun-lanes-');
const SECOND = 'SIG-TWO';
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let yaml: string;
/** The two-symbol session's `buff dryrun --json` result. */
let r: Record<string, unknown>;
const runsRoot = () => join(tmp.dir, 'runs');
const roots = () => ['--runs-root', runsRoot(), '--data-root', fx.dataRoot, '--models-root', fx.modelsRoot];

async function buff(args: string[]): Promise<Record<string, unknown>> {
  const r = await runBuff([...args, '--json']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return lastJson(r.stdout);
}

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  // a second planted-signal symbol (another seed) and a second model name for it (the fixture's weights)
  await buff([
    'data',
    'synth',
    '--symbol',
    SECOND,
    '--days',
    '4',
    '--seed',
    '2',
    '--signal',
    '1',
    '--data-root',
    fx.dataRoot,
  ]);
  await buff(['promote', '--model', fx.modelDir, '--name', 'sig2', '--actor', 'test', '--models-root', fx.modelsRoot]);
  yaml = `${dryConfigYaml([fx.symbol, SECOND])}\ndryrun: { models: { ${SECOND}: { name: sig2 } } }`;
  const path = join(tmp.dir, 'lanes.yml');
  writeFileSync(path, `${yaml}\n`);
  r = await buff(['dryrun', '--config', path, '--feed', 'replay'].concat(roots()));
}, 300_000);
afterAll(() => tmp.cleanup());

const SIGNAL_ACTIONS = new Set(['enter_long', 'enter_short', 'exit', 'reverse_to_long', 'reverse_to_short', 'flatten']);

/** The signals a backtest's decisions imply: [ts, symbol, action, probability] of each position change. */
function backtestSignals(decisions: Buffer): Array<[string, string, string, number]> {
  const table = tableFromIPC(decisions);
  const p = table.getChild('input.probability')?.toArray() as Float64Array;
  const out: Array<[string, string, string, number]> = [];
  for (let i = 0; i < table.numRows; i++) {
    const action = String(table.getChild('action')?.get(i));
    if (!SIGNAL_ACTIONS.has(action)) continue;
    const ts = new Date(Number(table.getChild('ts')?.get(i))).toISOString();
    out.push([ts, String(table.getChild('symbol')?.get(i)), action, p[i] as number]);
  }
  return out;
}

describe('a multi-symbol dry run', () => {
  it('each lane (its own model) equals buff run build of its laneConfig: decisions, trades and signals', async () => {
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ bars: 960, used: 960, refused: 0 });
    const id = r.sessionId as string;
    const session = readSession(runsRoot(), id);
    expect(session.lanes.map((l) => [l.symbol, l.model.name])).toEqual([
      [fx.symbol, 'sig'],
      [SECOND, 'sig2'],
    ]);
    const entries = readJournalFrom(runsRoot(), id, 0).entries;
    const { config } = splitDryRunConfig(parse(yaml));
    const models = { [SECOND]: { name: 'sig2' } } as Record<string, { name: string }>;
    let signals = 0;
    for (const [lane, symbol] of [fx.symbol, SECOND].entries()) {
      const bt = await backtestBytes(
        tmp.dir,
        JSON.stringify(laneConfig(config as RunConfigInput, symbol, models[symbol])),
        roots(),
      );
      const dir = join(r.dir as string, 'lanes', symbol);
      expect(readFileSync(join(dir, 'decisions.arrow')).equals(bt.decisions), `${symbol} decisions`).toBe(true);
      expect(readFileSync(join(dir, 'trades.arrow')).equals(bt.trades), `${symbol} trades`).toBe(true);
      const journaled = entries
        .filter((e) => (e.lane ?? 0) === lane && e.signal)
        .map((e) => [e.signal?.ts, e.signal?.symbol, e.signal?.action, e.signal?.probability]);
      const expected = backtestSignals(bt.decisions);
      expect(expected.length).toBeGreaterThan(0);
      expect(journaled).toEqual(expected);
      expect(entries.filter((e) => (e.lane ?? 0) === lane).length).toBe(480);
      signals += expected.length;
    }
    expect(r.signals).toBe(signals - (r.counts as { rateLimited: number }).rateLimited);
  }, 300_000);

  it("the session's snapshot view (the live page's equity and guardrail blocks) covers every lane", () => {
    const id = r.sessionId as string;
    const view = readSessionSnapshot(runsRoot(), id);
    expect(view?.lanes?.map((l) => l.symbol)).toEqual([fx.symbol, SECOND]);
    const blocks: Record<string, number> = {};
    for (const [i, lane] of (view?.lanes ?? []).entries()) {
      const equity = tableFromIPC(readFileSync(join(r.dir as string, 'lanes', lane.symbol, 'equity.arrow')));
      const ts = Array.from(equity.getChild('ts')?.toArray() as ArrayLike<number | bigint>, Number);
      const values = Array.from(equity.getChild('equity')?.toArray() as Float64Array);
      expect(lane.equity, lane.symbol).toEqual(ts.map((t, k) => [t, values[k]]));
      expect(lane.equity.length).toBe(480);
      for (const [rule, n] of Object.entries(lane.guardrailBlocks)) blocks[rule] = (blocks[rule] ?? 0) + n;
      if (i === 1) {
        const first = view?.lanes?.[0]?.equity ?? [];
        // both lanes replay the same window: one summed point per bar
        expect(view?.equity).toEqual(first.map(([t, v], k) => [t, v + (lane.equity[k]?.[1] ?? Number.NaN)]));
      }
    }
    expect(view?.guardrailBlocks).toEqual(blocks);
  });

  it('the built buff runs list shows the session with kind dryrun beside the runs; --kind dryrun only the session', async () => {
    // a registered run beside the session (buff run build of the first lane; already there if the parity test ran)
    const { config } = splitDryRunConfig(parse(yaml));
    await backtestBytes(tmp.dir, JSON.stringify(laneConfig(config as RunConfigInput, fx.symbol)), roots());
    const registry = await openRunRegistry({ runsRoot: runsRoot() });
    const runs = (await registry.list({ limit: 100 }).finally(() => registry.close())).total;
    expect(runs).toBeGreaterThan(0);
    const id = r.sessionId as string;
    const all = await runBuilt(['runs', 'list', '--runs-root', runsRoot()]);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.split('\n');
    expect(lines[0]).toMatch(/^kind\s+id\s+created/);
    expect(lines.filter((l) => l.startsWith('run ')).length).toBe(runs);
    const row = lines.find((l) => l.includes(id)) ?? '';
    expect(row).toMatch(
      new RegExp(`^dryrun\\s+${id}\\s+-\\s+model-signal sig v1 \\(replay\\)\\s+${fx.symbol},${SECOND}`),
    );
    // return, sharpe, trades and tags are a run's: a session's counts have their own detail column
    expect(row).toMatch(/\scompleted\s+-\s+-\s+-\s+-\s+bars 960, signals \d+\s*$/);
    const header = lines[0] ?? '';
    expect(row.indexOf('bars 960')).toBe(header.indexOf('detail'));
    expect(all.stdout).toContain(`${runs} of ${runs} run(s)`);
    expect(all.stdout).toContain('1 dry-run session(s) and sweep(s)');
    const dry = await runBuilt(['runs', 'list', '--kind', 'dryrun', '--runs-root', runsRoot()]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n').filter((l) => /^(run|dryrun|sweep) /.test(l))).toEqual([
      expect.stringMatching(new RegExp(`^dryrun\\s+${id}\\s`)),
    ]);
    const json = await runBuilt([
      'runs',
      'list',
      '--kind',
      'dryrun',
      '--symbol',
      SECOND,
      '--runs-root',
      runsRoot(),
      '--json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const listed = lastJson<{ total: number; items: unknown[]; others: Array<Record<string, unknown>> }>(json.stdout);
    expect(listed.items).toEqual([]);
    expect(listed.others).toEqual([
      expect.objectContaining({ kind: 'dryrun', id, symbols: [fx.symbol, SECOND], status: 'completed' }),
    ]);
    const bad = await runBuilt(['runs', 'list', '--kind', 'nope', '--runs-root', runsRoot()]);
    expect(bad.code).toBe(2);
  }, 300_000);
});
