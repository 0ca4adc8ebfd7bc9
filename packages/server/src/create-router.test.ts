import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuffRouter, type BuffRouter } from './create-router.js';

const RUN_ID = 'run-00000000000000aa';

/** A minimal published run folder: manifest + metrics, as the registry indexes it. */
function writeRun(runsRoot: string): void {
  const dir = join(runsRoot, RUN_ID);
  mkdirSync(dir, { recursive: true });
  const metrics = JSON.stringify({ totalReturn: 0.1, sharpe: 1.2, maxDrawdown: -0.05, tradeCount: 3 });
  writeFileSync(join(dir, 'metrics.json'), metrics);
  writeFileSync(join(dir, 'notes.html'), '<script>alert(1)</script>');
  const entry = (file: string, text: string) => ({
    file,
    sha256: createHash('sha256').update(text).digest('hex'),
    bytes: Buffer.byteLength(text),
  });
  const manifest = {
    schemaVersion: 1,
    id: RUN_ID,
    config: {
      name: 'hand <made>',
      strategy: { name: 'sma-cross', params: {} },
      symbols: ['BTC-USD'],
      timeframe: '1h',
      window: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-02T00:00:00.000Z' },
    },
    inputs: [],
    engineVersion: 'test',
    packages: {},
    artifacts: [entry('metrics.json', metrics), entry('notes.html', '<script>alert(1)</script>')],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

describe('createBuffRouter (hand-made run folder)', () => {
  const temp = makeTempDir('buff-router-');
  const runsRoot = join(temp.dir, 'runs');
  let router: BuffRouter;
  let server: import('node:http').Server;
  let base: string;

  beforeAll(async () => {
    writeRun(runsRoot);
    mkdirSync(join(temp.dir, 'data'));
    router = createBuffRouter({ runsRoot, dataRoot: join(temp.dir, 'data') });
    const app = express();
    app.use('/x', router);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await router.close();
    temp.cleanup();
  });

  it('lists and shows the run, escaping its name in HTML', async () => {
    const list = (await (await fetch(`${base}/api/runs`)).json()) as { total: number; items: unknown[] };
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id: RUN_ID, name: 'hand <made>', metrics: { sharpe: 1.2 } });
    const page = await (await fetch(`${base}/runs`)).text();
    expect(page).toContain('hand &lt;made&gt;');
    expect(page).toContain(`href="/x/runs/${RUN_ID}"`);
    const detail = await fetch(`${base}/runs/${RUN_ID}`);
    expect(detail.status).toBe(200);
    expect(await detail.text()).not.toContain('hand <made>');
  });

  it('serves an HTML artifact as inert text, and only listed names', async () => {
    const res = await fetch(`${base}/api/runs/${RUN_ID}/artifacts/notes.html`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect((await fetch(`${base}/api/runs/${RUN_ID}/artifacts/other.json`)).status).toBe(404);
    const bad = await fetch(`${base}/api/runs/RUN-1/artifacts/metrics.json`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_ID' });
  });

  it('answers 404 JSON for /api/jobs and HTML 404 for /runs/new while the flag is off', async () => {
    const api = await fetch(`${base}/api/jobs`, { method: 'POST' });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'FEATURE_DISABLED' });
    const page = await fetch(`${base}/runs/new`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('reports health per check and answers 503 when the data root is missing', async () => {
    const res = await fetch(`${base}/api/health`);
    const body = (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> };
    expect(body.checks.registry?.ok).toBe(true);
    expect(body.checks.strategies?.ok).toBe(true);
    rmSync(join(temp.dir, 'data'), { recursive: true });
    const missing = await fetch(`${base}/api/health`);
    expect(missing.status).toBe(503);
    expect(((await missing.json()) as { checks: Record<string, { ok: boolean }> }).checks.dataRoot?.ok).toBe(false);
    mkdirSync(join(temp.dir, 'data'));
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('refuses mutations when no admin token is configured', async () => {
    const res = await fetch(`${base}/api/admin/kill-switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"on":true}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN' });
  });
});

function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(`${tmpdir()}/${prefix}`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
