import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuffError } from '@buff/core';
import { buildRun } from './build-run.js';
import type { RunConfigInput } from './run-config.js';
import { dirRunStore } from './test-support/dir-run-store.js';

// Issue 16: a run whose data cover only part of its window is refused unless the config allows it.
const root = mkdtempSync(join(tmpdir(), 'buff-coverage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const window = { since: '2024-01-01T00:00:00Z', until: '2024-01-11T00:00:00Z' };
const config = (days: number, allowPartial?: boolean): RunConfigInput => ({
  name: 'coverage',
  strategy: { name: 'sma-cross', params: { fast: 5, slow: 20 } },
  symbols: ['AAA'],
  timeframe: '1h',
  window: allowPartial === undefined ? window : { ...window, allowPartial },
  data: { provider: 'synthetic', synthetic: { seed: 3, days } },
});

function manifestOf(runDir: string) {
  return JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8'));
}

describe('window coverage', () => {
  it('refuses a window the data cover only in part, naming the window and the covered span', async () => {
    const runs = join(root, 'refused', 'runs');
    const error = await buildRun(config(5), {
      runStore: dirRunStore(runs),
      dataRoot: join(root, 'refused', 'data'),
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(BuffError);
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_DATA',
      details: {
        key: 'window',
        rule: 'PARTIAL_WINDOW',
        covered: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-06T00:00:00.000Z' },
      },
    });
    const message = (error as BuffError).message;
    expect(message).toMatch(/window \[2024-01-01T00:00:00(\.000)?Z, 2024-01-11T00:00:00(\.000)?Z\)/);
    expect(message).toContain('cover [2024-01-01T00:00:00.000Z, 2024-01-06T00:00:00.000Z)');
    expect(
      existsSync(runs) ? (await import('node:fs')).readdirSync(runs).filter((n) => n.startsWith('run-')) : [],
    ).toEqual([]);
  });

  it('builds it when window.allowPartial says so, and records the covered span', async () => {
    const built = await buildRun(config(5, true), {
      runStore: dirRunStore(join(root, 'partial', 'runs')),
      dataRoot: join(root, 'partial', 'data'),
    });
    expect(built.created).toBe(true);
    expect(manifestOf(built.runDir).inputs[0].covered).toEqual({
      since: '2024-01-01T00:00:00.000Z',
      until: '2024-01-06T00:00:00.000Z',
    });
  });

  it('records the whole window as covered when it is', async () => {
    const built = await buildRun(config(10), {
      runStore: dirRunStore(join(root, 'full', 'runs')),
      dataRoot: join(root, 'full', 'data'),
    });
    expect(manifestOf(built.runDir).inputs[0].covered).toEqual({
      since: '2024-01-01T00:00:00.000Z',
      until: '2024-01-11T00:00:00.000Z',
    });
  });
});
