import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@buff/server';
import { lastJson, REPO_ROOT, runBuff } from './helpers/cli.js';
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

/** Every response carries these, whatever produced it. */
function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).not.toContain('unsafe-inline');
  expect(csp, what).not.toContain('unsafe-eval');
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('same-origin');
  expect(headers.get('x-frame-options'), what).toBe('SAMEORIGIN');
}

describe('web hardening: security headers and script files', () => {
  const roots = makeRoots('buff-headers-');
  let server: TestServer;
  let runId: string;

  beforeAll(async () => {
    runId = await buildFixtureRun(roots);
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
      prefix: '/research',
    });
  });
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('pages, JSON, assets, error pages and 404s all carry the same security headers', async () => {
    const html = { accept: 'text/html' };
    const cases: Array<[string, Record<string, string>, number]> = [
      ['/runs', html, 200],
      [`/runs/${runId}`, html, 200],
      ['/login', html, 200],
      ['/runs/new', html, 200],
      ['/api/runs', {}, 200],
      ['/api/health', {}, 200],
      ['/assets/run-detail.js', {}, 200],
      ['/assets/buff.css', {}, 200],
      ['/runs/run-0000000000000000', html, 404],
      ['/api/runs/run-0000000000000000', {}, 404],
      ['/api/nope', {}, 404],
      ['/api/runs/%zz', {}, 400],
      ['/runs/%zz', html, 400],
      ['/assets/nope.js', {}, 404],
    ];
    for (const [path, headers, status] of cases) {
      const res = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
      expect(res.status, path).toBe(status);
      expectSecurityHeaders(res.headers, path);
      await res.arrayBuffer();
    }
  });

  it('buff serve (startServer) answers its 404s and redirects with the same headers', async () => {
    const standalone = await startServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      port: 0,
      host: '127.0.0.1',
    });
    try {
      for (const [path, accept, status] of [
        ['/', 'text/html', 302],
        ['/no-such-page', 'text/html', 404],
        ['/no-such-page', 'application/json', 404],
        ['/runs', 'text/html', 200],
      ] as const) {
        const res = await fetch(`${standalone.url}${path}`, { headers: { accept }, redirect: 'manual' });
        expect(res.status, path).toBe(status);
        expectSecurityHeaders(res.headers, `${path} ${accept}`);
        const text = await res.text();
        if (status === 404 && accept === 'application/json') expect(JSON.parse(text).code).toBe('NOT_FOUND');
      }
    } finally {
      await standalone.close();
    }
  });

  it('pages load their scripts as files from /assets, with no inline script or handler', async () => {
    const login = await call(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${TOKEN}&next=/runs/new`,
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    for (const path of ['/runs', `/runs/${runId}`, '/runs/new', '/login']) {
      const { text } = await call(`${server.url}${path}`, { headers: { cookie } });
      const scripts = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      for (const [, attrs, body] of scripts) {
        if (/type="application\/json"/.test(attrs ?? '')) continue;
        expect(attrs, path).toMatch(/ src="\/research\/assets\/[a-z-]+\.js"/);
        expect(body, path).toBe('');
      }
      expect(text, path).not.toMatch(/\son[a-z]+=/i);
      expect(text, path).not.toContain('<style');
    }
    const detail = (await call(`${server.url}/runs/${runId}`)).text;
    expect(detail).toContain('src="/research/assets/run-detail.js"');
    expect((await call(`${server.url}/runs/new`, { headers: { cookie } })).text).toContain(
      'src="/research/assets/run-new.js"',
    );
    for (const name of ['run-detail.js', 'run-new.js']) {
      const res = await call(`${server.url}/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      expect(res.text).toBe(readFileSync(join(REPO_ROOT, 'packages/server/client', name), 'utf8'));
    }
  });
});

/** One HTTP request with any headers (fetch cannot set Host); the body as text. */
function rawRequest(
  baseUrl: string,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname.replace(/\/$/, '')}${options.path}`,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Signs in through the login form; the Set-Cookie header and the cookie pair to send back. */
async function signIn(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; setCookie: string; cookie: string; cacheControl: string | null }> {
  const res = await call(`${url}/login`, {
    method: 'POST',
    headers: { ...FORM, ...headers },
    body: `token=${TOKEN}&next=/runs`,
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return {
    status: res.status,
    setCookie,
    cookie: setCookie.split(';')[0] ?? '',
    cacheControl: res.headers.get('cache-control'),
  };
}

describe('web hardening: sessions, Origin and Host checks', () => {
  const roots = makeRoots('buff-sessions-');
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let server: TestServer;
  let origin: string;
  /** A config with an unknown key: 400 once authenticated, so nothing is ever built. */
  const probe = `{"config":${withFirstKey(storeConfigText(2), 'probe', '1')}}`;
  const mutate = (headers: Record<string, string>) =>
    call(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: probe,
    });

  beforeAll(async () => {
    await buildFixtureRun(roots);
    server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
      limits: { sessionTtlMs: 60_000 },
      now: () => clock,
    });
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.close();
    roots.cleanup();
  });

  it('the login cookie is an opaque random session id, HttpOnly, SameSite=Strict, expiring; never the token', async () => {
    const first = await signIn(server.url);
    const second = await signIn(server.url);
    expect(first.status).toBe(303);
    expect(first.cacheControl).toBe('no-store');
    const id = first.cookie.split('=')[1] ?? '';
    expect(first.cookie.startsWith('buff_session=')).toBe(true);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.cookie).not.toBe(first.cookie);
    expect(first.setCookie).not.toContain(TOKEN);
    expect(first.setCookie).toMatch(/; HttpOnly/);
    expect(first.setCookie).toMatch(/; SameSite=Strict/);
    expect(first.setCookie).toMatch(/Max-Age=60(;|$)/);
    expect(first.setCookie).not.toMatch(/; Secure/);
    expect((await mutate({ cookie: first.cookie, origin })).body.code).toBe('INVALID_CONFIG');
    // the token itself as the cookie (what the old login stored) is no session
    for (const cookie of [`buff_session=${TOKEN}`, `buff_admin=${TOKEN}`]) {
      expect((await mutate({ cookie, origin })).status, cookie).toBe(401);
    }
    expect(JSON.stringify(server.logs)).not.toContain(TOKEN);
  });

  it('a session stops working at its expiry and after /logout', async () => {
    const expiring = await signIn(server.url);
    const other = await signIn(server.url);
    clock += 30_000;
    expect((await mutate({ cookie: expiring.cookie, origin })).status).toBe(400);
    const out = await call(`${server.url}/logout`, { method: 'POST', headers: { cookie: other.cookie, origin } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^buff_session=;/);
    expect((await mutate({ cookie: other.cookie, origin })).status).toBe(401);
    const page = await call(`${server.url}/runs/new`, { headers: { cookie: other.cookie } });
    expect(page.text).toContain('id="login-form"');
    clock += 30_001;
    expect((await mutate({ cookie: expiring.cookie, origin })).status).toBe(401);
  });

  it('Cache-Control: no-store on signed-in answers only', async () => {
    const { cookie } = await signIn(server.url);
    for (const path of ['/runs', '/runs/new', '/api/runs']) {
      const signedIn = await call(`${server.url}${path}`, { headers: { cookie } });
      expect(signedIn.status, path).toBe(200);
      expect(signedIn.headers.get('cache-control'), path).toBe('no-store');
      expect((await call(`${server.url}${path}`, { headers: bearer })).headers.get('cache-control'), path).toBe(
        'no-store',
      );
      expect((await call(`${server.url}${path}`)).headers.get('cache-control'), path).toBeNull();
    }
    expect((await call(`${server.url}/runs/new`, { headers: { cookie } })).text).toContain('id="new-run-form"');
  });

  it('cookie-authenticated mutations need this server as Origin (or Referer); Bearer calls do not', async () => {
    const { cookie } = await signIn(server.url);
    const refused: Array<Record<string, string>> = [
      {},
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: origin.replace('127.0.0.1', 'localhost') },
      { referer: 'http://evil.example/page' },
      { origin: 'http://evil.example', referer: `${origin}/runs/new` },
    ];
    for (const headers of refused) {
      const res = await mutate({ cookie, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.details.rule).toBe('origin');
    }
    expect((await mutate({ cookie, origin })).body.code).toBe('INVALID_CONFIG');
    expect((await mutate({ cookie, referer: `${origin}/runs/new` })).body.code).toBe('INVALID_CONFIG');
    expect((await mutate(bearer)).body.code).toBe('INVALID_CONFIG');
    const ks = await call(`${server.url}/api/admin/kill-switch`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{"on":true}',
    });
    expect(ks.status).toBe(403);
    expect((await call(`${server.url}/api/admin/kill-switch`)).body.on).toBe(false);
    // a cross-site logout does nothing either
    const out = await call(`${server.url}/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example' },
    });
    expect(out.status).toBe(403);
    expect((await mutate({ cookie, origin })).body.code).toBe('INVALID_CONFIG');
  });

  it('refuses Host names that are not allowed on every route (DNS rebinding); loopback names pass', async () => {
    const port = new URL(server.url).port;
    for (const path of ['/runs', '/api/runs', '/api/health', '/assets/run-detail.js', '/login']) {
      const evil = await rawRequest(server.url, {
        path,
        headers: { host: `rebound.example:${port}`, accept: 'application/json' },
      });
      expect(evil.status, path).toBe(403);
      expect(JSON.parse(evil.text), path).toMatchObject({ code: 'FORBIDDEN', details: { rule: 'allowedHosts' } });
      expect(evil.headers['content-security-policy'], path).toBeDefined();
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
        expect((await rawRequest(server.url, { path, headers: { host } })).status, `${path} ${host}`).toBe(200);
      }
    }
    const login = await rawRequest(server.url, {
      path: '/login',
      method: 'POST',
      headers: { ...FORM, host: 'rebound.example' },
      body: `token=${TOKEN}`,
    });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });
});

describe('web hardening: configured hosts, trust proxy and Secure cookies', () => {
  const roots = makeRoots('buff-proxy-');
  afterAll(() => roots.cleanup());

  it('BUFF_ALLOWED_HOSTS and the bind address are answered, other names refused (buff serve)', async () => {
    process.env.BUFF_ALLOWED_HOSTS = 'research.example, Other.Example';
    const standalone = await startServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      port: 0,
      host: '127.0.0.1',
    });
    delete process.env.BUFF_ALLOWED_HOSTS;
    try {
      for (const [host, status] of [
        ['research.example', 200],
        ['other.example:8080', 200],
        ['127.0.0.1', 200],
        ['evil.example', 403],
        ['research.example.evil.example', 403],
      ] as const) {
        expect((await rawRequest(standalone.url, { path: '/api/runs', headers: { host } })).status, host).toBe(status);
      }
    } finally {
      await standalone.close();
    }
  });

  it('buff serve trusts X-Forwarded-Proto only when BUFF_TRUST_PROXY says so (Secure cookie over TLS)', async () => {
    const tls = { 'x-forwarded-proto': 'https' };
    const plain = await startServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot, adminToken: TOKEN, port: 0 });
    process.env.BUFF_TRUST_PROXY = 'loopback';
    const proxied = await startServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      port: 0,
    });
    delete process.env.BUFF_TRUST_PROXY;
    try {
      expect((await signIn(proxied.url, tls)).setCookie).toMatch(/; Secure/);
      expect((await signIn(proxied.url)).setCookie).not.toMatch(/; Secure/);
      expect((await signIn(plain.url, tls)).setCookie).not.toMatch(/; Secure/);
    } finally {
      await plain.close();
      await proxied.close();
    }
  });

  it('behind a trusted proxy: Secure cookie over TLS, X-Forwarded-Host checked, Origin is the https origin', async () => {
    const proxied = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
      allowedHosts: ['research.example'],
      trustProxy: 'loopback',
    });
    const direct = await startTestServer({ runsRoot: roots.runsRoot, dataRoot: roots.dataRoot, adminToken: TOKEN });
    try {
      const tls = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'research.example' };
      const viaProxy = await signIn(proxied.url, tls);
      expect(viaProxy.setCookie).toMatch(/; Secure/);
      expect((await signIn(proxied.url)).setCookie).not.toMatch(/; Secure/);
      // without `trust proxy` the forwarded headers are ignored: no Secure on plain HTTP
      expect((await signIn(direct.url, tls)).setCookie).not.toMatch(/; Secure/);
      const body = `{"config":${withFirstKey(storeConfigText(2), 'probe', '1')}}`;
      const headers = { ...tls, cookie: viaProxy.cookie, 'content-type': 'application/json' };
      const ok = await call(`${proxied.url}/api/jobs`, {
        method: 'POST',
        headers: { ...headers, origin: 'https://research.example' },
        body,
      });
      expect(ok.body.code).toBe('INVALID_CONFIG');
      const plain = await call(`${proxied.url}/api/jobs`, {
        method: 'POST',
        headers: { ...headers, origin: 'http://research.example' },
        body,
      });
      expect(plain.status).toBe(403);
      const rebound = await call(`${proxied.url}/api/runs`, { headers: { 'x-forwarded-host': 'evil.example' } });
      expect(rebound.status).toBe(403);
    } finally {
      await proxied.close();
      await direct.close();
    }
  });
});

describe('web hardening: failed sign-ins are throttled per client address', () => {
  const roots = makeRoots('buff-throttle-');
  afterAll(() => roots.cleanup());
  const wrong = (i: number) => `wrong-token-${i}-${'x'.repeat(8)}`;

  it('the login form: 429 with Retry-After after the limit, even for the right token; other clients unaffected', async () => {
    const server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      limits: { loginFailuresPerWindow: 3, loginWindowMs: 120_000 },
      trustProxy: 'loopback',
    });
    try {
      const login = (token: string, headers: Record<string, string> = {}) =>
        call(`${server.url}/login`, { method: 'POST', headers: { ...FORM, ...headers }, body: `token=${token}` });
      for (let i = 0; i < 3; i++) expect((await login(wrong(i))).status).toBe(401);
      for (const token of [wrong(3), TOKEN]) {
        const limited = await login(token);
        expect(limited.status, token).toBe(429);
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(120);
        expect(limited.headers.get('set-cookie')).toBeNull();
      }
      // another client address (through the trusted proxy) signs in
      expect((await login(TOKEN, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(303);
      const refused = server.logs.filter((l) => l.msg === 'login refused');
      expect(refused).toHaveLength(3);
      for (const line of refused) expect(String(line.ip)).toMatch(/127\.0\.0\.1$/);
      const logText = JSON.stringify(server.logs);
      for (let i = 0; i < 4; i++) expect(logText).not.toContain(wrong(i));
      expect(logText).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });

  it('wrong Bearer tokens count too (default limit: 10 per 15 min), logged with the address, never the token', async () => {
    const server = await startTestServer({
      runsRoot: roots.runsRoot,
      dataRoot: roots.dataRoot,
      adminToken: TOKEN,
      features: { runsNew: true },
    });
    try {
      const post = (token: string) =>
        call(`${server.url}/api/admin/kill-switch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{"on":true}',
        });
      for (let i = 0; i < 10; i++) expect((await post(wrong(i))).status).toBe(401);
      const limited = await post(TOKEN);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'loginFailures' } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
      expect((await call(`${server.url}/api/admin/kill-switch`)).body.on).toBe(false);
      const refused = server.logs.filter((l) => l.msg === 'request refused' && l.code === 'UNAUTHORIZED');
      expect(refused).toHaveLength(10);
      for (const line of refused) expect(String(line.ip)).toMatch(/127\.0\.0\.1$/);
      const logText = JSON.stringify(server.logs);
      for (let i = 0; i < 10; i++) expect(logText).not.toContain(wrong(i));
    } finally {
      await server.close();
    }
  });
});
