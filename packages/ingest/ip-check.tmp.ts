import { parseCsv } from '@buff/ingest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
const path = process.argv[2]!;
const t0 = performance.now();
const a = await parseCsv(path, { symbol: 'BENCH', allowGaps: true, parallelBytes: Number(process.argv[3] ?? 1e12) });
const t1 = performance.now();
const h = (b: any) => createHash('sha256').update(Buffer.concat([b.ts, b.open, b.high, b.low, b.close, b.volume].map((x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)))).digest('hex');
console.log('rows', a.bars.ts.length, 'ms', (t1 - t0).toFixed(0), 'bars', h(a.bars).slice(0, 16), 'src', a.sourceSha256.slice(0, 16), 'expect', createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16));
