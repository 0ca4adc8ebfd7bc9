import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDataset } from '@buff/ingest';
import { readKillSwitchAudit } from '@buff/registry';
import { lastJson, runBuff } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { call, fixtureConfig, makeRoots, startTestServer, type TestServer } from './helpers/server.js';

// One kill switch (RUNS_ROOT/.buff) for every entry point: while it is on, each command and route that
// ingests, builds, trains, promotes or rolls back exits 3 / answers 503 with KILL_SWITCH_ON and writes
// nothing; CLI and API toggles are one switch with one audit log.
const TOKEN = 'kill-switch-token';
const jsonHeaders = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/**
 * Every file and folder under the roots with its size and mtime: equal snapshots = nothing written. The
 * test server's idle job worker takes and releases the job queue's lock on each poll, which touches the
 * lock folder's mtime (`.buff/jobs/.index`); that folder is compared by name only and its transient `lock`
 * left out, so a queued job still shows.
 */
function snapshot(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    (readdirSync(dir, { recursive: true }) as string[]).sort().flatMap((name) => {
      const path = name.split(/[\\/]/).join('/');
      if (path === '.buff/jobs/.index/lock') return [];
      if (path === '.buff/jobs/.index') return [`${dir}/${name} (job queue lock folder)`];
      const s = statSync(join(dir, name), { throwIfNoEntry: false });
      return s === undefined ? [] : [`${dir}/${name} ${s.size} ${s.mtimeMs}`];
    }),
  );
}

function csvRows(n: number, start = Date.parse('2024-03-01T00:00:00Z')): string {
  let out = 'timestamp,open,high,low,close,volume\n';
  for (let i = 0; i < n; i++) out += `${new Date(start + i * 60_000).toISOString()},100,101,99,100.5,10\n`;
  return out;
}

describe('the kill switch at every entry point', () => {
  const roots = makeRoots('buff-ks-entry-');
  const modelsRoot = join(roots.dir, 'models');
  const csv = join(roots.dir, 'bars.csv');
  const config = join(roots.dir, 'run.json');
  const rootArgs = ['--runs-root', roots.runsRoot];
  let server: TestServer;

  beforeAll(async () => {
    writeFileSync(csv, csvRows(30));
    const { data: _data, ...rest } = fixtureConfig({ name: 'kill switch run' });
    writeFileSync(config, JSON.stringify(rest));
    await fetchDataset(roots.dataRoot, {
      symbol: 'BTC-USD',
      provider: 'synthetic',
      since: '2024-01-01T00:00:00Z',
      providerOptions: { seed: 7, signal: 0.3, days: 11 },
    });
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  const arrow = (): string => {
    const dir = join(roots.dataRoot, 'BTC-USD');
    return join(dir, JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8')).tables['1m'].file);
  };
  const dataArgs = (): string[] => ['--data-root', roots.dataRoot];
  const entryPoints: Array<[string, () => string[]]> = [
    ['ingest csv', () => ['ingest', 'csv', '--input', csv, '--symbol', 'NEW-USD', ...dataArgs()]],
    ['ingest arrow', () => ['ingest', 'arrow', '--input', arrow(), '--symbol', 'ARW-USD', ...dataArgs()]],
    ['resample', () => ['resample', '--symbol', 'BTC-USD', '--timeframe', '1h', ...dataArgs()]],
    ['features', () => ['features', '--symbol', 'BTC-USD', ...dataArgs()]],
    ['data synth', () => ['data', 'synth', '--symbol', 'SYN-USD', '--days', '1', ...dataArgs()]],
    ['run build', () => ['run', 'build', '--config', config, ...dataArgs()]],
    ['train', () => ['train', '--symbol', 'BTC-USD', '--epochs', '1', '--models-root', modelsRoot, ...dataArgs()]],
    ['evaluate', () => ['evaluate', '--model', join(modelsRoot, 'm', 'x'), ...dataArgs()]],
    ['promote', () => ['promote', '--model', join(modelsRoot, 'm', 'x'), '--models-root', modelsRoot]],
    ['models rollback', () => ['models', 'rollback', '--name', 'm', '--models-root', modelsRoot]],
    ['runs migrate', () => ['runs', 'migrate', '--from', roots.dir]],
  ];

  it('refuses every writing command from the built CLI while on (exit 3, nothing written)', async () => {
    const on = await runBuilt(['kill-switch', 'on', '--reason', 'entry points', '--json', ...rootArgs]);
    expect(on.code, on.stderr).toBe(0);
    const before = snapshot(roots.runsRoot, roots.dataRoot);
    for (const [name, args] of entryPoints) {
      const result = await runBuilt([...args(), '--json', ...rootArgs]);
      expect(result.code, `${name}: ${result.stdout}${result.stderr}`).toBe(3);
      expect(lastJson(result.stdout), name).toMatchObject({ ok: false, code: 'KILL_SWITCH_ON' });
      expect(lastJson<{ message: string }>(result.stdout).message).toContain(`${name} refused (entry points)`);
    }
    expect(snapshot(roots.runsRoot, roots.dataRoot)).toEqual(before);
    expect(() => readdirSync(modelsRoot)).toThrow(/ENOENT/);
  }, 180_000);

  it('finds the switch through RUNS_ROOT, from the source CLI too, and lets work through once off', async () => {
    const env = { RUNS_ROOT: roots.runsRoot };
    const refused = await runBuff(['ingest', 'csv', '--input', csv, '--symbol', 'NEW-USD', ...dataArgs()], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('KILL_SWITCH_ON');
    expect(readdirSync(roots.dataRoot)).toEqual(['BTC-USD']);
    expect((await runBuff(['kill-switch', 'off', '--reason', 'done'], { env })).code).toBe(0);
    const ingested = await runBuff(['ingest', 'csv', '--input', csv, '--symbol', 'NEW-USD', ...dataArgs()], { env });
    expect(ingested.code, ingested.stderr).toBe(0);
    const built = await runBuilt(['run', 'build', '--config', config, ...dataArgs(), '--json', ...rootArgs]);
    expect(built.code, built.stderr).toBe(0);
    expect(lastJson(built.stdout)).toMatchObject({ created: true });
  }, 120_000);

  it('is one switch for the CLI and the server: either side turns it on, the other refuses', async () => {
    const job = () =>
      call(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({
          config: { ...JSON.parse(JSON.stringify(fixtureConfig())), data: undefined, name: 'api run' },
        }),
      });
    const upload = () =>
      call(`${server.url}/api/uploads?symbol=UPL-USD`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
        body: csvRows(5),
      });
    expect((await runBuilt(['kill-switch', 'on', '--reason', 'from cli', ...rootArgs])).code).toBe(0);
    const before = snapshot(roots.runsRoot, roots.dataRoot);
    for (const refused of [await job(), await upload()]) {
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'KILL_SWITCH_ON' });
    }
    expect(snapshot(roots.runsRoot, roots.dataRoot)).toEqual(before);
    const off = await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ on: false, reason: 'from api' }),
    });
    expect(off.body).toMatchObject({ on: false, changed: true, previous: true });
    const apiOn = await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ on: true, reason: 'api says stop' }),
    });
    expect(apiOn.body).toMatchObject({ on: true, changed: true });
    const refused = await runBuilt(['run', 'build', '--config', config, ...dataArgs(), '--json', ...rootArgs]);
    expect(refused.code).toBe(3);
    expect(lastJson<{ message: string }>(refused.stdout).message).toContain('api says stop');
    const audit = await readKillSwitchAudit(roots.runsRoot);
    expect(audit.slice(-3).map((a) => [a.on, a.previous, a.reason])).toEqual([
      [true, false, 'from cli'],
      [false, true, 'from api'],
      [true, false, 'api says stop'],
    ]);
  }, 120_000);

  it('audits concurrent CLI and API toggles: one line per real change, each with the right previous', async () => {
    const start = (await readKillSwitchAudit(roots.runsRoot)).length;
    const cli = Array.from({ length: 6 }, (_, i) =>
      runBuilt(['kill-switch', i % 2 === 0 ? 'off' : 'on', '--actor', `cli${i}`, '--json', ...rootArgs]).then((r) => {
        expect(r.code, r.stderr).toBe(0);
        return lastJson<{ changed: boolean }>(r.stdout).changed;
      }),
    );
    const api = Array.from({ length: 16 }, (_, i) =>
      call(`${server.url}/api/admin/kill-switch`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ on: i % 3 !== 0, actor: `api${i}` }),
      }).then((r) => {
        expect(r.status).toBe(200);
        return r.body.changed as boolean;
      }),
    );
    const changed = (await Promise.all([...cli, ...api])).filter(Boolean).length;
    const audit = await readKillSwitchAudit(roots.runsRoot);
    const lines = audit.slice(start);
    expect(lines.length).toBe(changed);
    expect(lines.length).toBeGreaterThan(0);
    let previous = audit[start - 1]?.on ?? false;
    for (const [i, line] of lines.entries()) {
      expect(line.previous, `line ${start + i + 1}`).toBe(previous);
      expect(line.on).not.toBe(previous);
      expect(line.seq).toBe(start + i + 1);
      previous = line.on;
    }
    expect((await call(`${server.url}/api/admin/kill-switch`)).body.on).toBe(previous);
  }, 120_000);
});
