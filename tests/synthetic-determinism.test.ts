import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@buff/core';
import { barsToIpc, synthesizeBars } from '@buff/ingest';
import { REPO_ROOT } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-synth-det-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Synthesizes in a fresh Node process and writes the Arrow IPC bytes to `out`. */
function synthesizeInChild(out: string, options: Record<string, unknown>): Promise<void> {
  const script = [
    "import { writeFileSync } from 'node:fs';",
    "import { barsToIpc, synthesizeBars } from '@buff/ingest';",
    `writeFileSync(${JSON.stringify(out)}, barsToIpc(synthesizeBars(${JSON.stringify(options)})));`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('synthetic data across processes', () => {
  it('is byte-identical for the same seed in two separate processes (and in this one)', async () => {
    const options = { days: 7, seed: 7, signal: 0.7, symbol: 'BTC-USD' };
    const a = join(dir, 'a.arrow');
    const b = join(dir, 'b.arrow');
    await Promise.all([synthesizeInChild(a, options), synthesizeInChild(b, options)]);
    const bytesA = readFileSync(a);
    const bytesB = readFileSync(b);
    expect(bytesA.length).toBeGreaterThan(7 * 1440 * 8 * 6);
    expect(sha256Hex(bytesA)).toBe(sha256Hex(bytesB));
    expect(sha256Hex(barsToIpc(synthesizeBars(options)))).toBe(sha256Hex(bytesA));
  });

  it('differs for another seed or another symbol with the same seed', () => {
    const base = sha256Hex(barsToIpc(synthesizeBars({ days: 1, seed: 7, symbol: 'BTC-USD' })));
    expect(sha256Hex(barsToIpc(synthesizeBars({ days: 1, seed: 8, symbol: 'BTC-USD' })))).not.toBe(base);
    expect(sha256Hex(barsToIpc(synthesizeBars({ days: 1, seed: 7, symbol: 'ETH-USD' })))).not.toBe(base);
  });

  it('plants ~0.8 for the regime rule at S=1 and nothing at S=0, where persistence stays ~0.5 (60 days)', () => {
    for (const [signal, target] of [
      [1, 0.79],
      [0, 0.5],
    ] as const) {
      const { close } = synthesizeBars({ days: 60, seed: 2024, signal, symbol: 'ETH-USD' });
      const r = Float64Array.from({ length: close.length - 1 }, (_, i) =>
        Math.log((close[i + 1] as number) / (close[i] as number)),
      );
      let regimeRight = 0;
      let persistenceRight = 0;
      for (let i = 16; i < r.length; i++) {
        let size = 0;
        for (let k = i - 16; k < i; k++) size += Math.abs(r[k] as number);
        const stormy = size / 16 > Math.sqrt(0.0006 * 0.0018 * (2 / Math.PI));
        const sign = Math.sign(r[i] as number);
        if ((stormy ? -1 : 1) * Math.sign(r[i - 2] as number) === sign) regimeRight++;
        if (Math.sign(r[i - 1] as number) === sign) persistenceRight++;
      }
      expect(Math.abs(regimeRight / (r.length - 16) - target)).toBeLessThan(0.02);
      expect(Math.abs(persistenceRight / (r.length - 16) - 0.5)).toBeLessThan(0.02);
    }
  });
});
