import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJsonPretty, sha256Hex, type RunManifest } from '@buff/core';

/** What a fake run looks like in listings. */
export interface FakeRunOptions {
  name?: string;
  strategy?: string;
  symbols?: string[];
  timeframe?: string;
  since?: string;
  until?: string;
  metrics?: Record<string, unknown>;
  /** Size of the fake decisions payload in bytes. */
  payloadBytes?: number;
}

/**
 * A deterministic run id for test number `n`.
 * @example fakeRunId(1) // 'run-6b86b273ff34fce1'
 */
export function fakeRunId(n: number | string): string {
  return `run-${sha256Hex(String(n)).slice(0, 16)}`;
}

/**
 * Writes a small but valid run (manifest.json listing a payload and metrics.json with their
 * sha256s) into `dir`, for tests and benchmarks of the registry and its users.
 * @example const staging = await registry.createStaging(id); writeFakeRun(staging, id); await registry.publish(id, staging);
 */
export function writeFakeRun(dir: string, id: string, options: FakeRunOptions = {}): RunManifest {
  const payload = Buffer.alloc(options.payloadBytes ?? 256, id);
  const metrics = canonicalJsonPretty(
    options.metrics ?? { totalReturn: 0.1, sharpe: 1.2, maxDrawdown: 0.05, tradeCount: 12 },
  );
  writeFileSync(join(dir, 'decisions.bin'), payload);
  writeFileSync(join(dir, 'metrics.json'), metrics);
  const manifest: RunManifest = {
    schemaVersion: 1,
    id,
    config: {
      name: options.name ?? `fake ${id}`,
      strategy: { name: options.strategy ?? 'ma-cross', params: {} },
      symbols: options.symbols ?? ['BTC-USD'],
      timeframe: options.timeframe ?? '1h',
      window: {
        since: options.since ?? '2024-01-01T00:00:00.000Z',
        until: options.until ?? '2024-02-01T00:00:00.000Z',
      },
    },
    inputs: [],
    engineVersion: 'fake',
    packages: {},
    artifacts: [
      { file: 'decisions.bin', sha256: sha256Hex(payload), bytes: payload.length },
      { file: 'metrics.json', sha256: sha256Hex(metrics), bytes: Buffer.byteLength(metrics) },
    ],
  };
  writeFileSync(join(dir, 'manifest.json'), canonicalJsonPretty(manifest));
  return manifest;
}
