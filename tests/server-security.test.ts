import { readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killSwitchPaths } from '@buff/registry';
import {
  buildFixtureRun,
  call,
  fixtureConfig,
  makeRoots,
  rawGet,
  startTestServer,
  waitForJob,
  type TestServer,
} from './helpers/server.js';

const TOKEN = 'test-admin-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
const jsonHeaders = { ...auth, 'content-type': 'application/json' };

/** A store-provider config over the fixture's stored BTC-USD data (a different window = a new run). */
function storeConfig(day: number): Record<string, unknown> {
  const { data: _data, ...rest } = fixtureConfig({ name: `web run ${day}` });
  return { ...rest, window: { since: `2024-01-0${day}T00:00:00Z`, until: '2024-01-10T00:00:00Z' } };
}

function runFolders(runsRoot: string): string[] {
  return readdirSync(runsRoot)
    .filter((name) => name.startsWith('run-'))
    .sort();
}

function fileCount(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true }).length;
}

const CSV_HEADER = 'timestamp,open,high,low,close,volume\n';
function csvRows(n: number, start = Date.parse('2024-03-01T00:00:00Z')): string {
  let out = CSV_HEADER;
  for (let i = 0; i < n; i++) out += `${new Date(start + i * 60_000).toISOString()},100,101,99,100.5,10\n`;
  return out;
}

describe('server safety: tokens, flags, limits, validation, kill switch', () => {
  const roots = makeRoots();
  let server: TestServer;
  let fixtureRun: string;

  beforeAll(async () => {
    fixtureRun = await buildFixtureRun(roots);
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
      limits: { runsPerMinute: 3, maxBodyBytes: 4096, maxUploadBytes: 64 * 1024 },
    });
  });
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('refuses mutations without the token or with a wrong one', async () => {
    const body = JSON.stringify({ config: storeConfig(2) });
    const none = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHORIZED');
    const wrong = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body,
    });
    expect(wrong.status).toBe(401);
    const ks = await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"on":true}',
    });
    expect(ks.status).toBe(401);
    expect(runFolders(roots.runsRoot)).toEqual([fixtureRun]);
  });

  it('refuses every mutation when no admin token is configured', async () => {
    const open = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: '',
      features: { runsNew: true },
    });
    try {
      const res = await call(`${open.url}/api/jobs`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ config: storeConfig(2) }),
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(
        (await call(`${open.url}/api/admin/kill-switch`, { method: 'POST', headers: jsonHeaders, body: '{"on":true}' }))
          .status,
      ).toBe(403);
    } finally {
      await open.close();
    }
  });

  it('answers 404 for /runs/new and its API while the flag is off', async () => {
    const off = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: false },
    });
    try {
      expect((await call(`${off.url}/runs/new`)).status).toBe(404);
      const api = await call(`${off.url}/api/jobs`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ config: storeConfig(2) }),
      });
      expect(api.status).toBe(404);
      expect(
        (
          await call(`${off.url}/api/uploads?symbol=X`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'text/csv' },
            body: csvRows(3),
          })
        ).status,
      ).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('rejects path traversal in run ids and artifact names', async () => {
    const prefix = new URL(server.url).pathname.replace(/\/$/, '');
    const cases: Array<[string, number[]]> = [
      [`/api/runs/..%2F..%2Fetc`, [400]],
      [`/api/runs/%2e%2e`, [400]],
      [`/api/runs/..`, [400, 404]],
      [`/api/runs/run-..%2Fabc/artifacts/manifest.json`, [400]],
      [`/api/runs/${fixtureRun}/artifacts/..%2Fmanifest.json`, [404]],
      [`/api/runs/${fixtureRun}/artifacts/..%2F..%2F..%2Fetc%2Fpasswd`, [404]],
      [`/api/runs/${fixtureRun}/artifacts/%2e%2e%2f%2e%2e%2fetc%2fpasswd`, [404]],
      [`/api/runs/${fixtureRun}/artifacts/..`, [404]],
      [`/api/runs/${fixtureRun}/artifacts/../../../.buff/kill-switch.json`, [404]],
      [`/api/runs/${fixtureRun}/artifacts/.index`, [404]],
      [`/runs/..%2F.buff`, [400]],
    ];
    for (const [path, statuses] of cases) {
      const res = await rawGet(server.url, `${prefix}${path}`, { accept: 'application/json' });
      expect(statuses, path).toContain(res.status);
      expect(res.contentType, path).toContain('application/json');
      expect(['INVALID_ID', 'NOT_FOUND', 'RUN_NOT_FOUND'], path).toContain(res.body.code);
    }
  });

  it('rejects oversized bodies and uploads with 413', async () => {
    const big = JSON.stringify({ config: { ...storeConfig(2), name: 'x'.repeat(10_000) } });
    const res = await call(`${server.url}/api/jobs`, { method: 'POST', headers: jsonHeaders, body: big });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    const upload = await call(`${server.url}/api/uploads?symbol=BIG-USD`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csvRows(2000),
    });
    expect(upload.status).toBe(413);
    expect(fileCount(join(roots.runsRoot, '.buff', 'uploads'))).toBe(0);
    expect(existsSync(join(roots.dataRoot, 'BIG-USD'))).toBe(false);
  });

  it('rejects a malformed CSV upload with the ingest rule and writes nothing', async () => {
    const bad = `${CSV_HEADER}2024-03-01T00:00:00Z,100,99,101,100,10\n2024-03-01T00:01:00Z,100,101,99,abc,10\n`;
    const res = await call(`${server.url}/api/uploads?symbol=BAD-USD`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: bad,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toMatch(/^[A-Z_]+$/);
    expect(res.body.details).toHaveProperty('line');
    expect(fileCount(join(roots.runsRoot, '.buff', 'uploads'))).toBe(0);
    expect(existsSync(join(roots.dataRoot, 'BAD-USD'))).toBe(false);
    const wrongType = await call(`${server.url}/api/uploads?symbol=BAD-USD`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(400);
    const badSymbol = await call(`${server.url}/api/uploads?symbol=../x`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csvRows(3),
    });
    expect(badSymbol.status).toBe(400);
  });

  it('rejects configs with unknown keys, bad JSON and unknown datasets, creating nothing', async () => {
    const cases: Array<[string, number, string]> = [
      [JSON.stringify({ config: { ...storeConfig(2), surprise: 1 } }), 400, 'INVALID_CONFIG'],
      [
        JSON.stringify({ config: { ...storeConfig(2), strategy: { name: 'sma-cross', params: { bogus: 1 } } } }),
        400,
        'INVALID_CONFIG',
      ],
      [JSON.stringify({ config: storeConfig(2), extra: true }), 400, 'INVALID_INPUT'],
      [JSON.stringify({ config: { ...storeConfig(2), symbols: ['NOPE-USD'] } }), 404, 'DATASET_NOT_FOUND'],
      ['{"config": ', 400, 'INVALID_INPUT'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(`${server.url}/api/jobs`, { method: 'POST', headers: jsonHeaders, body });
      expect(res.status, body).toBe(status);
      expect(res.body.code, body).toBe(code);
    }
    expect(runFolders(roots.runsRoot)).toEqual([fixtureRun]);
  });

  it('creates a run through a background job, then rate-limits creations with Retry-After', async () => {
    const res = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ config: storeConfig(2) }),
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(`http://127.0.0.1:${new URL(server.url).port}${res.body.statusUrl}`);
    expect(job).toMatchObject({ status: 'done' });
    expect(runFolders(roots.runsRoot)).toContain(job.runId);
    expect(
      server.logs.some(
        (l) => l.msg === 'run built and registered' && l.runId === job.runId && typeof l.requestId === 'string',
      ),
    ).toBe(true);
    // 3 per minute: two more pass, the fourth is refused
    const origin = `http://127.0.0.1:${new URL(server.url).port}`;
    const pending: string[] = [];
    for (const day of [3, 4]) {
      const next = await call(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ config: storeConfig(day) }),
      });
      expect(next.status).toBe(202);
      pending.push(`${origin}${next.body.statusUrl}`);
    }
    const limited = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ config: storeConfig(5) }),
    });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const url of pending) expect((await waitForJob(url)).status).toBe('done');
  });

  it('kill switch: on refuses run creation and ingest (logged), corrupt state fails closed', async () => {
    const on = await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ on: true, reason: 'test', actor: 'tester' }),
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ on: true, reason: 'test' });
    const before = runFolders(roots.runsRoot);
    const job = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ config: storeConfig(6) }),
    });
    expect(job.status).toBe(503);
    expect(job.body.code).toBe('KILL_SWITCH_ON');
    const upload = await call(`${server.url}/api/uploads?symbol=NEW-USD`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csvRows(5),
    });
    expect(upload.status).toBe(503);
    expect(upload.body.code).toBe('KILL_SWITCH_ON');
    expect(
      server.logs.filter((l) => l.msg === 'request refused' && l.code === 'KILL_SWITCH_ON').length,
    ).toBeGreaterThanOrEqual(2);
    expect(runFolders(roots.runsRoot)).toEqual(before);
    expect((await call(`${server.url}/api/health`)).body.checks.killSwitch.on).toBe(true);

    const off = await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ on: false, reason: 'done' }),
    });
    expect(off.body.on).toBe(false);
    const { state } = killSwitchPaths(roots.runsRoot);
    mkdirSync(join(roots.runsRoot, '.buff'), { recursive: true });
    writeFileSync(state, 'not json{');
    const refused = await call(`${server.url}/api/uploads?symbol=NEW-USD`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csvRows(5),
    });
    expect(refused.body.code).toBe('KILL_SWITCH_ON');
    const health = await call(`${server.url}/api/health`);
    expect(health.status).toBe(503);
    expect(health.body.checks.killSwitch.ok).toBe(false);
    // recover for any later test
    await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ on: false, reason: 'repaired' }),
    });
    expect((await call(`${server.url}/api/health`)).status).toBe(200);
  });
});
