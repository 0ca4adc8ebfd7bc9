import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followSession, readJournalFrom, runDryRun, type JournalEntry, type ModelResolver } from '@buff/engine';
import { readKillSwitchSync, setKillSwitch, type ModelRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { dryConfigYaml, registryResolver } from './helpers/dryrun-setup.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { call, startTestServer, type TestServer } from './helpers/server.js';
import { makeTempDir } from './helpers/tmp.js';

// The runtime's state through a real HTTP server: /api/health lists the running session with its
// last bar and feed lag, /metrics (prom-client) has its bars, signals by tier, refused bars,
// guardrail blocks, feed lag and the latency histograms; followSession reads the journal as it grows.
const tmp = makeTempDir('buff-dryrun-runtime-');
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let models: { resolveModel: ModelResolver; registry: ModelRegistry };
let server: TestServer;
const runsRoot = () => join(tmp.dir, 'runs');

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  models = await registryResolver(fx.modelsRoot);
  server = await startTestServer({ runsRoot: runsRoot(), dataRoot: fx.dataRoot });
}, 300_000);
afterAll(async () => {
  await server?.close();
  await models?.registry.close();
  tmp.cleanup();
});

/** Polls `read` (bounded: 60 s) until `done` holds; returns the last value. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 600 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

const meter = (text: string, name: string, id: string): number =>
  Number(text.match(new RegExp(`${name}\\{session="${id}"\\} ([0-9.e+-]+)`))?.[1] ?? Number.NaN);

describe('dry-run runtime state over HTTP', () => {
  it('/api/health shows the running session and the kill switch, /metrics its meters', async () => {
    const session = runDryRun({
      runsRoot: runsRoot(),
      dataRoot: fx.dataRoot,
      config: parse(dryConfigYaml([fx.symbol])),
      feed: 'replay',
      sleepMs: 10,
      resolveModel: models.resolveModel,
      killSwitchOn: () => readKillSwitchSync(runsRoot()).on,
    });
    const health = await until(
      async () => (await call(`${server.url}/api/health`)).body,
      (h) => h.checks?.dryrun?.running === 1 && Boolean(h.checks.dryrun.sessions[0]?.lastBar),
    );
    const running = health.checks.dryrun;
    expect(running).toMatchObject({ ok: true, running: 1, killSwitchOn: false });
    expect(running.sessions[0]).toMatchObject({ symbols: [fx.symbol], feed: 'replay' });
    expect(Date.parse(running.sessions[0].lastBar)).toBeGreaterThanOrEqual(Date.parse('2024-01-04T00:00:00Z'));
    expect(running.sessions[0].feedLagMs).toBeGreaterThan(0); // a replay of 2024 is far behind the clock
    const id = running.sessions[0].id as string;
    // a reader in another part of the process follows the journal as it grows (what a UI or notifier does)
    const followed: JournalEntry[] = [];
    const following = (async () => {
      for await (const entry of followSession(runsRoot(), id, { pollMs: 50 })) followed.push(entry);
    })();
    // a quarter of the window's 480 bars (runtime.json lags up to 1 s), then the kill switch every entry point reads
    const during = await until(
      async () => (await call(`${server.url}/metrics`)).text,
      (text) => meter(text, 'buff_dryrun_bars_processed_total', id) >= 120,
    );
    expect(meter(during, 'buff_dryrun_bars_processed_total', id)).toBeGreaterThanOrEqual(120);
    expect(meter(during, 'buff_dryrun_feed_lag_seconds', id)).toBeGreaterThan(0);
    expect(during).toContain('buff_dryrun_sessions{status="running"} 1');
    await setKillSwitch(runsRoot(), { on: true, actor: 'test', reason: 'runtime test' });
    const result = await session;
    expect(result.stopReason).toBe('kill switch on');
    expect(result.counts.bars).toBeLessThan(480);
    expect(result.counts.signals).toBeGreaterThan(0);
    await following; // ends by itself once the session is no longer running
    expect(followed.map((e) => e.seq)).toEqual(Array.from({ length: result.counts.bars }, (_, i) => i));
    expect(followed).toEqual(readJournalFrom(runsRoot(), id, 0).entries);

    const after = (await call(`${server.url}/metrics`)).text;
    expect(meter(after, 'buff_dryrun_bars_processed_total', id)).toBe(result.counts.bars);
    const tiers = [
      ...after.matchAll(new RegExp(`buff_dryrun_signals_total\\{session="${id}",tier="(\\w+)"\\} (\\d+)`, 'g')),
    ];
    expect(tiers.map((m) => m[1]).sort()).toEqual(['high', 'low', 'medium']);
    expect(tiers.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(result.counts.signals);
    expect(meter(after, 'buff_dryrun_refused_bars_total', id)).toBe(0);
    expect(meter(after, 'buff_dryrun_guardrail_blocks_total', id)).toBe(result.counts.guardrailBlocks ?? 0);
    expect(meter(after, 'buff_dryrun_inference_seconds_count', id)).toBe(result.counts.used);
    expect(after).toContain(`buff_dryrun_inference_seconds_bucket{session="${id}",le="+Inf"} ${result.counts.used}`);
    expect(meter(after, 'buff_dryrun_bar_seconds_count', id)).toBe(result.counts.bars);
    expect(after).not.toContain(`buff_dryrun_feed_lag_seconds{session="${id}"}`); // not running: no lag
    expect(after).toContain('buff_dryrun_sessions{status="stopped"} 1');
    expect(after).toContain('buff_dryrun_sessions{status="running"} 0');
    // /api/metrics is the same exposition
    expect((await call(`${server.url}/api/metrics`)).text).toContain('# TYPE buff_dryrun_inference_seconds histogram');

    const stopped = (await call(`${server.url}/api/health`)).body.checks.dryrun;
    expect(stopped).toMatchObject({ ok: true, running: 0, killSwitchOn: true, sessions: [], crashed: [], stale: [] });
    await setKillSwitch(runsRoot(), { on: false, actor: 'test', reason: 'runtime test done' });
  }, 300_000);

  it('/api/health fails its dryrun check for a crashed session and for a ccxt feed gone stale (503)', async () => {
    // the stopped session of the first test, as SIGKILL leaves one (running, its process gone), and
    // as a live ccxt session of this process whose last bar closed an hour ago
    const dir = join(runsRoot(), 'dryrun');
    const [id] = readdirSync(dir) as [string];
    const record = JSON.parse(readFileSync(join(dir, id, 'session.json'), 'utf8'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    const write = (sid: string, patch: Record<string, unknown>) => {
      mkdirSync(join(dir, sid), { recursive: true });
      writeFileSync(join(dir, sid, 'session.json'), JSON.stringify({ ...record, id: sid, ...patch }));
      return sid;
    };
    const crashedId = write('dry-00000000000000c1', { status: 'running', pid: gone });
    const liveId = write('dry-00000000000000f1', { status: 'running', pid: process.pid });
    const runtime = JSON.parse(readFileSync(join(dir, id, 'runtime.json'), 'utf8'));
    const hourAgo = Date.now() - 3_600_000;
    writeFileSync(join(dir, liveId, 'runtime.json'), JSON.stringify({ ...runtime, lastBarTs: hourAgo }));

    // a replay feed an hour behind the clock is not stale: it replays the past
    const replaying = await call(`${server.url}/api/health`);
    expect(replaying.body.checks.dryrun).toMatchObject({ ok: false, running: 1, stale: [] });
    expect(replaying.body.checks.dryrun.crashed).toEqual([{ id: crashedId, lastBar: null }]); // its process wrote no runtime.json;
    expect(replaying.body.checks.dryrun.message).toContain('1 crashed');
    expect(replaying.status).toBe(503);

    write(liveId, {
      status: 'running',
      pid: process.pid,
      feed: { kind: 'ccxt', bars: null, ccxt: { exchange: 'binance' } },
    });
    const stale = await call(`${server.url}/api/health`);
    expect(stale.status).toBe(503);
    expect(stale.body.checks.dryrun.stale).toEqual([
      { id: liveId, lastBar: new Date(hourAgo).toISOString(), feedLagMs: expect.any(Number) },
    ]);
    expect(stale.body.checks.dryrun.stale[0].feedLagMs).toBeGreaterThan(3_600_000 - 120_000);
    expect(stale.body.checks.dryrun.message).toContain('1 with a stale feed');

    // a fresh last bar on the live feed: only the crashed session is left
    writeFileSync(join(dir, liveId, 'runtime.json'), JSON.stringify({ ...runtime, lastBarTs: Date.now() - 60_000 }));
    expect((await call(`${server.url}/api/health`)).body.checks.dryrun).toMatchObject({ ok: false, stale: [] });
    write(crashedId, { status: 'stopped', pid: gone });
    const fine = await call(`${server.url}/api/health`);
    expect(fine.body.checks.dryrun).toMatchObject({ ok: true, running: 1, crashed: [], stale: [] });
    expect(fine.status).toBe(200);
  }, 120_000);

  it('/metrics labels running and crashed sessions and only the newest ended ones; a removed folder drops its series', async () => {
    const dir = join(runsRoot(), 'dryrun');
    const first = readdirSync(dir).find((d) => !d.startsWith('dry-00000000')) as string;
    const record = JSON.parse(readFileSync(join(dir, first, 'session.json'), 'utf8'));
    const runtime = JSON.parse(readFileSync(join(dir, first, 'runtime.json'), 'utf8'));
    const ended = (sid: string, updatedAt: number) => {
      mkdirSync(join(dir, sid), { recursive: true });
      writeFileSync(join(dir, sid, 'session.json'), JSON.stringify({ ...record, id: sid, status: 'stopped' }));
      writeFileSync(join(dir, sid, 'runtime.json'), JSON.stringify({ ...runtime, updatedAt }));
      return sid;
    };
    const oldest = ended('dry-00000000000000a1', 1);
    const newest = ended('dry-00000000000000a2', Date.now() + 60_000);
    const crashedId = 'dry-00000000000000c1';
    writeFileSync(
      join(dir, crashedId, 'session.json'),
      JSON.stringify({ ...record, id: crashedId, status: 'running', pid: spawnSync(process.execPath, ['-e', '']).pid }),
    );
    const bounded = await startTestServer({
      runsRoot: runsRoot(),
      dataRoot: fx.dataRoot,
      limits: { dryrunMetricsEndedSessions: 1 },
    });
    try {
      const labelled = async () => {
        const text = (await call(`${bounded.url}/metrics`)).text;
        const ids = [...text.matchAll(/buff_dryrun_bar_seconds_count\{session="([^"]+)"\}/g)].map((m) => m[1]);
        return { text, ids: ids.sort() };
      };
      const before = await labelled();
      // running dry-...f1 and crashed dry-...c1 (no runtime.json: no histogram) stay; of the ended ones only the newest
      expect(before.ids).toEqual(['dry-00000000000000a2', 'dry-00000000000000f1']);
      expect(before.text).not.toContain(`session="${oldest}"`);
      expect(before.text).not.toContain(`session="${first}"`);
      expect(before.text).toContain('buff_dryrun_sessions{status="stopped"} 3');
      expect(before.text).toContain('buff_dryrun_sessions{status="crashed"} 1');
      rmSync(join(dir, newest), { recursive: true });
      const after = await labelled();
      expect(after.text).not.toContain(`session="${newest}"`);
      expect(after.ids).toEqual([first, 'dry-00000000000000f1'].sort()); // the next newest ended session
      expect(after.text).toContain('buff_dryrun_sessions{status="stopped"} 2');
    } finally {
      await bounded.close();
    }
  }, 120_000);
});
