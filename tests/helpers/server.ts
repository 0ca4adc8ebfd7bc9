import { mkdirSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { createLogger } from '@buff/core';
import { buildRun, parseRunConfig } from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { createBuffRouter, type BuffRouterOptions } from '@buff/server';
import { REPO_ROOT } from './cli.js';
import { makeTempDir } from './tmp.js';

/** A small run config on synthetic data (the builder synthesizes and stores BTC-USD 1m bars). */
export function fixtureConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'fixture run',
    strategy: { name: 'sma-cross', params: {} },
    symbols: ['BTC-USD'],
    timeframe: '1h',
    window: { since: '2024-01-01T00:00:00Z', until: '2024-01-11T00:00:00Z' },
    data: { provider: 'synthetic', synthetic: { seed: 7, signal: 0.3 } },
    ...overrides,
  };
}

/** A 3-day 1m run whose guardrails fire: daily-loss blocks, then a total-loss stop. */
export const GUARDED_RUN = {
  name: 'guarded 1m run',
  timeframe: '1m',
  window: { since: '2024-01-01T00:00:00Z', until: '2024-01-04T00:00:00Z' },
  strategy: { name: 'sma-cross', params: { fast: 3, slow: 8 } },
  guardrails: { maxDailyLossPct: 0.3, maxTotalLossPct: 1.5 },
};

/** Temp RUNS_ROOT and DATA_ROOT. */
export function makeRoots(prefix = 'buff-server-'): {
  dir: string;
  runsRoot: string;
  dataRoot: string;
  cleanup: () => void;
} {
  const temp = makeTempDir(prefix);
  const runsRoot = join(temp.dir, 'runs');
  const dataRoot = join(temp.dir, 'data');
  mkdirSync(runsRoot, { recursive: true });
  mkdirSync(dataRoot, { recursive: true });
  return { dir: temp.dir, runsRoot, dataRoot, cleanup: temp.cleanup };
}

/** Builds a run through a registry on the roots (as `buff run build` would) and returns its id. */
export async function buildFixtureRun(
  roots: { runsRoot: string; dataRoot: string },
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const registry = await openRunRegistry({ runsRoot: roots.runsRoot, create: true });
  try {
    const built = await buildRun(parseRunConfig(fixtureConfig(overrides), 'fixture'), {
      runStore: registry,
      dataRoot: roots.dataRoot,
    });
    return built.runId;
  } finally {
    await registry.close();
  }
}

/** A server for tests: createBuffRouter mounted at `prefix` on loopback, port 0, logs captured (`trustProxy`: the app's `trust proxy`). */
export interface TestServer {
  /** Base URL including the prefix, no trailing slash. */
  url: string;
  /** Parsed pino log lines. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: BuffRouterOptions & { prefix?: string; trustProxy?: boolean | number | string },
): Promise<TestServer> {
  const { prefix = '', trustProxy = false, ...routerOptions } = options;
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ name: 'buff-server-test', level: 'info', destination: sink });
  const app = express();
  app.set('trust proxy', trustProxy);
  const router = createBuffRouter({ logger, ...routerOptions });
  app.get('/host-owned', (_req, res) => res.send('host app route'));
  if (prefix) app.use(prefix, router);
  else app.use(router);
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await router.close();
    },
  };
}

/** fetch with the body read as JSON when it is JSON. */
export async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: unknown;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text };
}

/** Polls a job until it finishes (bounded: 60 s). */
export async function waitForJob(statusUrl: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await call(statusUrl);
    if (body.status === 'done' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`job did not finish: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET with the path sent exactly as given (no URL normalization of `..` or `%2e`). */
export function rawGet(
  baseUrl: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; body: any }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: rawPath, method: 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const contentType = res.headers['content-type'] ?? '';
        resolve({
          status: res.statusCode ?? 0,
          contentType,
          body: contentType.includes('json') ? JSON.parse(text) : text,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A `buff serve` child process. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** Sends `signal` and waits for the exit (bounded: 10 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `buff serve --json --port 0 ...` from the sources and waits (bounded: 60 s) for the
 * line that names its URL.
 */
export function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const cli = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', cli, 'serve', '--json', '--port', '0', ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, BUFF_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`buff serve did not start in 60 s; stderr:\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`buff serve exited with ${code}; stderr:\n${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const url = (JSON.parse(line) as { url: string }).url;
      resolve({
        url,
        child,
        stderr: () => stderr,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill(signal);
          const timeout = new Promise<null>((r) =>
            setTimeout(() => {
              child.kill('SIGKILL');
              r(null);
            }, 10_000),
          );
          return Promise.race([exited, timeout]);
        },
      });
    });
  });
}
