// A deterministic 1m bars CSV for the ingest benchmarks.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Deterministic bars: a seeded random walk around 42,000 with 2-decimal prices, 6-decimal volume. */
export function generateCsv(path, rows) {
  const fd = openSync(path, 'w');
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  let price = 42_000;
  const start = Date.UTC(2024, 0, 1);
  let text = 'timestamp,open,high,low,close,volume\n';
  for (let i = 0; i < rows; i++) {
    const open = price;
    const close = Math.max(1, open * (1 + (rand() - 0.5) * 0.004));
    const high = Math.max(open, close) * (1 + rand() * 0.001);
    const low = Math.min(open, close) * (1 - rand() * 0.001);
    price = close;
    text += `${new Date(start + i * 60_000).toISOString()},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${(rand() * 50).toFixed(6)}\n`;
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
}
