import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';
import {
  buildFixtureRun,
  call,
  fixtureConfig,
  makeRoots,
  rawGet,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

const TOKEN = 'hardening-admin-token';
const bearer = { authorization: `Bearer ${TOKEN}` };
const jsonBearer = { ...bearer, 'content-type': 'application/json' };

/** A store-provider config over the fixture's stored BTC-USD data, as JSON text. */
function storeConfigText(day: number): string {
  const { data: _data, ...rest } = fixtureConfig({ name: `hardening ${day}` });
  return JSON.stringify({ ...rest, window: { since: `2024-01-0${day}T00:00:00Z`, until: '2024-01-10T00:00:00Z' } });
}

/** Inserts `"key": value` as the first member of the JSON object text (JSON.stringify cannot write `__proto__`). */
function withFirstKey(objectText: string, key: string, value: string): string {
  return `{${JSON.stringify(key)}:${value},${objectText.slice(1)}`;
}

function runFolders(runsRoot: string): string[] {
  return readdirSync(runsRoot).filter((name) => name.startsWith('run-'));
}

/** No log line carries a stack or is an error-level "request failed". */
function expectNoStack(logs: Array<Record<string, unknown>>): void {
  expect(logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  expect(JSON.stringify(logs)).not.toContain('"stack"');
}

describe('web hardening: malformed requests and unknown config keys', () => {
  const roots = makeRoots('buff-hardening-');
  let server: TestServer;

  beforeAll(async () => {
    await buildFixtureRun(roots);
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
    });
  });
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('a malformed %-escape in a path is a 400 with a JSON error, no stack in the log', async () => {
    for (const path of ['/api/runs/%zz', '/api/runs/%E0%A4%A/artifacts/x', '/runs/%zz']) {
      const res = await rawGet(server.url, path, { accept: 'application/json' });
      expect(res.status, path).toBe(400);
      expect(res.contentType, path).toContain('application/json');
      expect(res.body, path).toMatchObject({ code: 'INVALID_INPUT', details: { rule: 'path-encoding' } });
    }
    expectNoStack(server.logs);
  });

  it('a body labelled gzip that is not gzip is a 400 with a JSON error; real gzip still works', async () => {
    const before = runFolders(roots.runsRoot).length;
    const bad = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { ...jsonBearer, 'content-encoding': 'gzip' },
      body: `{"config":${storeConfigText(2)}}`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_INPUT', details: { rule: 'content-encoding' } });
    const badCsv = await call(`${server.url}/api/uploads?symbol=GZ-USD`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'text/csv', 'content-encoding': 'gzip' },
      body: 'timestamp,open,high,low,close,volume\n',
    });
    expect(badCsv.status).toBe(400);
    expect(badCsv.body.code).toBe('INVALID_INPUT');
    expectNoStack(server.logs);
    // control: the same body really gzipped reaches validation (an unknown key, so nothing is built)
    const good = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { ...jsonBearer, 'content-encoding': 'gzip' },
      body: gzipSync(`{"config":${withFirstKey(storeConfigText(2), 'extra', '1')}}`),
    });
    expect(good.status).toBe(400);
    expect(good.body).toMatchObject({ code: 'INVALID_CONFIG', details: { key: 'extra' } });
    expect(runFolders(roots.runsRoot).length).toBe(before);
  });

  it('the API refuses unknown keys in a run config (__proto__, constructor, any extra key) naming the key', async () => {
    const before = runFolders(roots.runsRoot).length;
    const config = storeConfigText(3);
    const params = '"params":{}';
    const cases: Array<[string, string]> = [
      [withFirstKey(config, '__proto__', '{"x":1}'), '__proto__'],
      [withFirstKey(config, 'constructor', '{"x":1}'), 'constructor'],
      [withFirstKey(config, 'surprise', 'true'), 'surprise'],
      [config.replace(params, '"params":{"__proto__":{"fast":3}}'), 'strategy.params.__proto__'],
      [
        withFirstKey(config, 'capital', '{"initial":1000,"allocation":{"__proto__":{"BTC-USD":1}}}'),
        'capital.allocation.__proto__',
      ],
    ];
    for (const [text, key] of cases) {
      expect(text).toContain(key.split('.').pop());
      const res = await call(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: jsonBearer,
        body: `{"config":${text}}`,
      });
      expect(res.status, text).toBe(400);
      expect(res.body, text).toMatchObject({ code: 'INVALID_CONFIG', details: { key } });
      expect(res.body.message, text).toContain(key);
    }
    const top = await call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: jsonBearer,
      body: `{"__proto__":{"x":1},"config":${config}}`,
    });
    expect(top.status).toBe(400);
    expect(top.body.code).toBe('INVALID_INPUT');
    expect(runFolders(roots.runsRoot).length).toBe(before);
  });

  it('the CLI refuses the same keys with the same code and key (one strict schema)', async () => {
    const path = join(roots.dir, 'proto-params.json');
    writeFileSync(path, storeConfigText(3).replace('"params":{}', '"params":{"__proto__":{"fast":3}}'));
    const res = await runBuff([
      'run',
      'build',
      '--config',
      path,
      '--runs-root',
      roots.runsRoot,
      '--data-root',
      roots.dataRoot,
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(3);
    expect(lastJson(res.stdout)).toMatchObject({
      code: 'INVALID_CONFIG',
      details: { key: 'strategy.params.__proto__' },
    });
  });
});
