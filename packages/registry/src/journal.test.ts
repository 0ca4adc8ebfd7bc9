import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openFsDriver } from './fs-driver.js';
import { decodeLines, encodeLine } from './journal.js';

const line = (body: string) => `${crc32(body).toString(16).padStart(8, '0')} ${body}\n`;

describe('decodeLines', () => {
  it('decodes good lines in order, skips and reports bad ones, leaves a torn tail', () => {
    const text = [
      encodeLine({ a: 'é€😀' }),
      'deadbeef {"b":1}\n',
      '\n',
      encodeLine([1, 2]),
      'short\n',
      encodeLine('x'),
      '{"torn":',
    ].join('');
    const decoded = decodeLines(Buffer.from(text));
    expect(decoded.entries).toEqual([{ a: 'é€😀' }, [1, 2], 'x']);
    expect(decoded.garbage).toEqual([
      { line: 2, problem: 'checksum mismatch' },
      { line: 5, problem: 'not a journal line' },
    ]);
    expect(decoded.tornBytes).toBe(Buffer.byteLength('{"torn":'));
    expect(decoded.consumed).toBe(Buffer.byteLength(text) - decoded.tornBytes);
  });

  it('falls back to line by line when a checksummed line is not JSON', () => {
    const decoded = decodeLines(Buffer.from(encodeLine({ a: 1 }) + line('{"oops":') + encodeLine({ b: 2 })));
    expect(decoded.entries).toEqual([{ a: 1 }, { b: 2 }]);
    expect(decoded.garbage).toEqual([{ line: -1, problem: 'unparsable JSON' }]);
  });

  it('decodes nothing from nothing, or from only bad lines', () => {
    expect(decodeLines(Buffer.alloc(0))).toEqual({ entries: [], garbage: [], consumed: 0, tornBytes: 0 });
    expect(decodeLines(Buffer.from('nope\n')).entries).toEqual([]);
  });
});

describe('fs driver snapshot formats', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads a format-1 snapshot (one object keyed by id) and writes format 2 when it compacts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'buff-snapshot-'));
    dirs.push(root);
    mkdirSync(join(root, '.index'));
    writeFileSync(
      join(root, '.index', 'snapshot.json'),
      JSON.stringify({ format: 1, collections: { runs: { b: { id: 'b' }, a: { id: 'a' } } } }),
    );
    const driver = openFsDriver({ root, compactAfter: 1 });
    expect(await driver.ids('runs')).toEqual(['a', 'b']);
    await driver.insert('runs', 'c', { id: 'c' });
    await driver.close();
    expect(JSON.parse(readFileSync(join(root, '.index', 'snapshot.json'), 'utf8'))).toMatchObject({
      format: 2,
      collections: { runs: { ids: ['a', 'b', 'c'] } },
    });
    const reopened = openFsDriver({ root });
    expect(await reopened.ids('runs')).toEqual(['a', 'b', 'c']);
    expect((await reopened.get('runs', 'b'))?.id).toBe('b');
  });
});
