import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startSiblingWorker } from '@buff/core/io';
import { parseCsv } from './parse-csv.js';
import { offerParseWorker } from './parse-worker-client.js';

// A parse worker started ahead of need (the `buff` command starts one before it loads its code)
// is the one a two-thread read takes; one that died before it was asked changes nothing but speed.

const dir = mkdtempSync(join(tmpdir(), 'buff-parse-offer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeBars(rows: number): string {
  const start = Date.UTC(2024, 0, 1);
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let row = 0; row < rows; row++)
    lines.push(`${new Date(start + row * 60_000).toISOString()},100,101,99,100.5,${row}`);
  const path = join(dir, `bars-${rows}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('offerParseWorker', () => {
  it('hands the read an early worker: it parses the second part', async () => {
    const path = writeBars(5000);
    const one = await parseCsv(path, { symbol: 'OFFER', parallelBytes: Number.POSITIVE_INFINITY });
    const worker = startSiblingWorker(import.meta.url, 'parse-worker');
    const replies: Array<{ kind: string; rows: number }> = [];
    worker.on('message', (reply: { kind: string; rows: number }) => replies.push(reply));
    offerParseWorker(worker);
    const two = await parseCsv(path, { symbol: 'OFFER', parallelBytes: 1 });
    expect(replies.map((reply) => reply.kind)).toEqual(['rows']);
    expect(replies[0]?.rows).toBeGreaterThan(2500); // the early worker's share: more than half
    expect(two).toEqual(one); // the worker stays on as the hash worker: not terminated here
  });

  it('reads on one thread, with a warning, when the offered worker died before it was asked', async () => {
    const path = writeBars(3000);
    const one = await parseCsv(path, { symbol: 'OFFER', parallelBytes: Number.POSITIVE_INFINITY });
    const dead = new Worker('process.exit(0)', { eval: true });
    offerParseWorker(dead);
    await new Promise((resolve) => dead.once('exit', resolve));
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const two = await parseCsv(path, { symbol: 'OFFER', parallelBytes: 1 });
      expect(two).toEqual(one);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('the CSV parse worker did not run'),
        expect.objectContaining({ code: 'BUFF_PARSE_WORKER' }),
      );
    } finally {
      warn.mockRestore();
    }
  });
});
