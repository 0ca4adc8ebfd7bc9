import { createServer, type Server } from 'node:net';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// What the built `buff` says when something is off or about to change (needs `npm run build`).

const TIMEOUT = 180_000;
const temp = makeTempDir('buff-cli-messages-');
afterAll(() => temp.cleanup());
const HEADER = 'timestamp,open,high,low,close,volume\n';

describe('buff messages (built bundle)', () => {
  it('a refused CSV row names its code once, with the file, line and value', async () => {
    const input = join(temp.dir, 'bad.csv');
    writeFileSync(input, `${HEADER}nope,1,2,0.5,1.5,10\n`);
    const result = await runBuilt([
      'ingest',
      'csv',
      '--input',
      input,
      '--symbol',
      'X',
      '--data-root',
      join(temp.dir, 'd0'),
    ]);
    expect(result.code).toBe(3);
    const line = result.stderr.split('\n').find((l) => l.startsWith('buff: ')) ?? '';
    expect(line).toContain(`${input} line 2, column "timestamp"`);
    expect(line).toContain('"nope"');
    expect(line.match(/BAD_TIMESTAMP/g)).toHaveLength(1);
  });

  it("a semicolon-separated file is read (a decimal comma refused); freqtrade's date column is read as the timestamp", async () => {
    const ingest = (input: string, symbol: string, dataRoot: string) =>
      runBuilt(['ingest', 'csv', '--input', input, '--symbol', symbol, '--data-root', dataRoot, '--json']);
    const rows = ['2024-01-01T00:00:00Z;1;2;0.5;1.5;10', '2024-01-01T00:01:00Z;1.5;2;1;1.2;3'];
    const semi = join(temp.dir, 'semi.csv');
    writeFileSync(semi, `timestamp;open;high;low;close;volume\n${rows.join('\n')}\n`);
    const comma = join(temp.dir, 'comma.csv');
    writeFileSync(comma, `timestamp,open,high,low,close,volume\n${rows.join('\n').replace(/;/g, ',')}\n`);
    const fromSemi = await ingest(semi, 'S', join(temp.dir, 'semi-ds'));
    expect(fromSemi.code, fromSemi.stderr).toBe(0);
    const fromComma = await ingest(comma, 'S', join(temp.dir, 'comma-ds'));
    const id = (r: { stdout: string }) => lastJson<{ dataset: { contentId: string } }>(r.stdout).dataset.contentId;
    expect(id(fromSemi)).toMatch(/^[0-9a-f]{64}$/);
    expect(id(fromSemi)).toBe(id(fromComma));
    const decimal = join(temp.dir, 'decimal.csv');
    writeFileSync(decimal, `timestamp;open;high;low;close;volume\n${rows[0]}\n2024-01-01T00:01:00Z;1,5;2;1;1,2;3\n`);
    const dataRoot = join(temp.dir, 'decimal-ds');
    const refused = await runBuilt(['ingest', 'csv', '--input', decimal, '--symbol', 'S', '--data-root', dataRoot]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `buff: INVALID_INPUT: ${decimal} line 3: a comma in "1,5" in a semicolon-separated file`,
    );
    expect(existsSync(join(dataRoot, 'S'))).toBe(false);
    const date = join(temp.dir, 'date.csv');
    writeFileSync(date, 'date,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n');
    const read = await runBuilt([
      'ingest',
      'csv',
      '--input',
      date,
      '--symbol',
      'D',
      '--data-root',
      join(temp.dir, 'ds'),
    ]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('1 rows');
  });

  it('re-ingesting a symbol says it replaces it and names the old content id', async () => {
    const dataRoot = join(temp.dir, 'd1');
    const first = join(temp.dir, 'first.csv');
    const second = join(temp.dir, 'second.csv');
    writeFileSync(first, `${HEADER}2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T00:01:00Z,1.5,2,1,1.2,3\n`);
    writeFileSync(second, `${HEADER}2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T00:01:00Z,1.5,2,1,1.3,3\n`);
    const ingest = (input: string, json = false) =>
      runBuilt([
        'ingest',
        'csv',
        '--input',
        input,
        '--symbol',
        'R-USD',
        '--data-root',
        dataRoot,
        ...(json ? ['--json'] : []),
      ]);
    const created = lastJson<{ dataset: { contentId: string }; replaced: unknown }>((await ingest(first, true)).stdout);
    expect(created.replaced).toBeNull();
    const same = await ingest(first);
    expect(same.stdout).toContain(
      `R-USD was already stored with the same content (content id ${created.dataset.contentId}`,
    );
    const replaced = await ingest(second);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain(
      `replaced the stored R-USD dataset (was content id ${created.dataset.contentId}, 2 rows`,
    );
  });

  it(
    'buff train --json prints epoch progress on stderr and one JSON result on stdout',
    async () => {
      const roots = ['--data-root', join(temp.dir, 'd2'), '--models-root', join(temp.dir, 'models')];
      const synth = await runBuilt([
        'data',
        'synth',
        '--symbol',
        'T-USD',
        '--days',
        '2',
        '--seed',
        '1',
        '--signal',
        '1',
        ...roots.slice(0, 2),
      ]);
      expect(synth.code, synth.stderr).toBe(0);
      const args = [
        'train',
        '--model',
        'lstm',
        '--symbol',
        'T-USD',
        '--features',
        'ret_1',
        '--window',
        '8',
        '--units',
        '4',
      ];
      const train = await runBuilt([...args, '--epochs', '2', '--patience', '2', ...roots, '--json']);
      expect(train.code, train.stderr).toBe(0);
      expect(train.stderr).toMatch(/^epoch 1\/2 {2}loss \d/m);
      expect(train.stderr).toMatch(/^epoch 2\/2 {2}loss \d/m);
      expect(train.stdout.trim().split('\n')).toHaveLength(1);
      expect(lastJson(train.stdout)).toMatchObject({ ok: true });
    },
    TIMEOUT,
  );

  it(
    'buff serve on a busy port is one line and exit 3',
    async () => {
      const busy: Server = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const { port } = busy.address() as { port: number };
      try {
        mkdirSync(join(temp.dir, 'runs'), { recursive: true });
        mkdirSync(join(temp.dir, 'data'), { recursive: true });
        const dirs = ['--runs-root', join(temp.dir, 'runs'), '--data-root', join(temp.dir, 'data')];
        const result = await runBuilt(['serve', '--host', '127.0.0.1', '--port', String(port), ...dirs]);
        expect(result.code).toBe(3);
        const said = result.stderr.split('\n').filter((l) => l.startsWith('buff: '));
        expect(said).toEqual([
          `buff: CONFLICT key port: 127.0.0.1:${port} is in use: stop what listens there or pick another --port (0 picks a free one) (rule PORT_IN_USE)`,
        ]);
        expect(result.stderr).not.toContain('    at ');
      } finally {
        busy.close();
      }
    },
    TIMEOUT,
  );
});
