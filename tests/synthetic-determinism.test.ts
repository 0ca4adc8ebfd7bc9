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

  it('plants next-bar direction accuracy 0.8 +- 0.02 at S=1 and 0.5 +- 0.02 at S=0 (same-sign rule, 60 days)', () => {
    for (const [signal, target] of [
      [1, 0.8],
      [0, 0.5],
    ] as const) {
      const { close } = synthesizeBars({ days: 60, seed: 2024, signal, symbol: 'ETH-USD' });
      let same = 0;
      let total = 0;
      for (let i = 2; i < close.length; i++) {
        const previous = Math.sign(Math.log((close[i - 1] as number) / (close[i - 2] as number)));
        const current = Math.sign(Math.log((close[i] as number) / (close[i - 1] as number)));
        if (previous === 0 || current === 0) continue;
        total++;
        if (previous === current) same++;
      }
      expect(Math.abs(same / total - target)).toBeLessThan(0.02);
    }
  });
});
