import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@buff/core';
import { activeBackend, selectBackend } from './backend.js';

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'backend-test', level: 'info', destination }) };
}

describe('selectBackend', () => {
  it('takes WASM by default; the optional tfjs-node not being installed is no fallback', async () => {
    const { lines, logger } = capturedLogger();
    const choice = await selectBackend({ logger });
    expect(choice.name).toBe('wasm');
    expect(choice.fallback, JSON.stringify(choice.skipped)).toBeUndefined();
    expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow']);
    expect(activeBackend()).toBe(choice);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
  });

  it('falls back loudly when the backend asked for fails: a warning, and the fallback in the choice', async () => {
    const { lines, logger } = capturedLogger();
    const choice = await selectBackend({ prefer: 'tensorflow', fallback: true, logger });
    expect(choice.name).toBe('wasm');
    expect(choice.fallback).toMatchObject({ from: 'tensorflow', to: 'wasm' });
    expect(choice.fallback?.reason).toMatch(/tfjs-node/);
    const warning = lines.find((l) => l.level === 40);
    expect(warning?.msg).toBe('tfjs backend: fell back from tensorflow to wasm');
    expect(activeBackend()?.fallback?.from).toBe('tensorflow');
  });

  it('refuses instead of falling back when a backend is forced without fallback', async () => {
    await expect(selectBackend({ prefer: 'tensorflow' })).rejects.toMatchObject({ code: 'DEPENDENCY_MISSING' });
  });
});
