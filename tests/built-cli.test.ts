import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff, REPO_ROOT } from './helpers/cli.js';
import { assertCliBuilt, BUILT_CLI_INDEX, runBuilt, serveBuilt, writeMinuteCsv } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// The published `buff` is one tsup bundle (packages/cli/dist); every other test runs the sources.
// These run the bundle through bin/buff.js: the parse worker entry, the build-time package
// versions and the server's files found by path must all work from dist/. Needs `npm run build`.

const ROWS = 380_000;
const BAD_ROW = Math.floor(ROWS * 0.9); // in the last quarter: the worker thread's part of the file
const TIMEOUT = 120_000;
const DIST = dirname(BUILT_CLI_INDEX);

const temp = makeTempDir('buff-built-cli-');
afterAll(() => temp.cleanup());
let runId = '';

interface Manifest {
  engineVersion: string;
  packages: Record<string, string>;
}
const manifestOf = (runsRoot: string, id: string): Manifest =>
  JSON.parse(readFileSync(join(runsRoot, id, 'manifest.json'), 'utf8')) as Manifest;

describe('the built buff CLI (packages/cli/bin/buff.js)', () => {
  it(
    'ingests a 25+ MiB CSV on two threads: dist/parse-worker.cjs runs',
    async () => {
      assertCliBuilt(); // every test fails (never skips) without the bundle: runBuilt checks too
      // The absence of the fallback warning proves something only if this bundle can emit it.
      const chunks = readdirSync(DIST).filter((name) => name.endsWith('.cjs'));
      expect(
        chunks.some((name) => readFileSync(join(DIST, name), 'utf8').includes('BUFF_PARSE_WORKER')),
        `${DIST} is older than the sources: run npm run build`,
      ).toBe(true);
      const input = join(temp.dir, 'big.csv');
      writeMinuteCsv(input, ROWS);
      expect(statSync(input).size).toBeGreaterThanOrEqual(25 * 2 ** 20);
      const result = await runBuilt([
        'ingest',
        'csv',
        '--input',
        input,
        '--symbol',
        'BIG-USD',
        '--data-root',
        join(temp.dir, 'data'),
        '--json',
      ]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stderr).not.toContain('BUFF_PARSE_WORKER');
      const json = lastJson<{ dataset: { rows: number }; quality: { rows: number; gapCount: number } }>(result.stdout);
      expect(json.quality).toMatchObject({ rows: ROWS, gapCount: 0 });
      expect(json.dataset.rows).toBe(ROWS);
    },
    TIMEOUT,
  );

  it(
    "names the exact line of a bad row in the worker's part (exit 3) and writes nothing",
    async () => {
      const input = join(temp.dir, 'bad.csv');
      writeMinuteCsv(input, ROWS, { breakRow: BAD_ROW });
      const dataRoot = join(temp.dir, 'bad-data');
      const result = await runBuilt([
        'ingest',
        'csv',
        '--input',
        input,
        '--symbol',
        'BAD-USD',
        '--data-root',
        dataRoot,
        '--json',
      ]);
      expect(result.code, result.stdout + result.stderr).toBe(3);
      expect(result.stderr).not.toContain('BUFF_PARSE_WORKER');
      const error = lastJson<{ ok: boolean; code: string; message: string; details: { line: number; rule: string } }>(
        result.stdout,
      );
      expect(error).toMatchObject({
        ok: false,
        code: 'HIGH_BELOW_OPEN_CLOSE',
        details: { line: BAD_ROW + 2, rule: 'HIGH_BELOW_OPEN_CLOSE' },
      });
      expect(error.message).toContain(`${input} line ${BAD_ROW + 2},`); // 1-based, the header is line 1
      expect(existsSync(join(dataRoot, 'BAD-USD'))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'builds the demo run with the same run id, engine version and packages as the sources',
    async () => {
      const config = join(REPO_ROOT, 'configs/run_demo.yml');
      const roots = (n: number) => [
        '--runs-root',
        join(temp.dir, `runs${n}`),
        '--data-root',
        join(temp.dir, `data${n}`),
      ];
      const [built, sources] = await Promise.all([
        runBuilt(['run', 'build', '--config', config, ...roots(1), '--json']),
        runBuff(['run', 'build', '--config', config, ...roots(2), '--json']),
      ]);
      expect(built.code, built.stdout + built.stderr).toBe(0);
      expect(sources.code, sources.stdout + sources.stderr).toBe(0);
      runId = lastJson<{ runId: string }>(built.stdout).runId;
      expect(runId).not.toBe('');
      expect(lastJson<{ runId: string }>(sources.stdout).runId).toBe(runId);
      const fromBundle = manifestOf(join(temp.dir, 'runs1'), runId);
      const fromSources = manifestOf(join(temp.dir, 'runs2'), runId);
      expect(fromBundle.engineVersion).toBeTruthy();
      expect(fromBundle.engineVersion).toBe(fromSources.engineVersion);
      expect(fromBundle.packages).toEqual(fromSources.packages);
      const validated = await runBuilt(['run', 'validate', '--run-id', runId, '--runs-root', join(temp.dir, 'runs1')]);
      expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'serves health, the chart library, the UI scripts, the runs page and (--models-root) the models, datasets, compare and 404 pages',
    async () => {
      expect(runId, 'needs the run built by the previous test').not.toBe('');
      const models = join(temp.dir, 'models1');
      const server = await serveBuilt(
        ['--runs-root', join(temp.dir, 'runs1'), '--data-root', join(temp.dir, 'data1')].concat([
          '--models-root',
          models,
        ]),
      );
      try {
        const health = await fetch(`${server.url}/api/health`);
        expect(health.status).toBe(200);
        expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
        const chart = await fetch(`${server.url}/assets/lightweight-charts.js`);
        expect(chart.status).toBe(200);
        expect(chart.headers.get('content-type') ?? '').toMatch(/javascript/);
        expect((await chart.text()).length).toBeGreaterThan(1000);
        // the UI's own script and style files, found through @buff/server's exports from the bundle
        for (const name of ['run-detail.js', 'run-new.js', 'buff.css', 'pages.css']) {
          const asset = await fetch(`${server.url}/assets/${name}`);
          expect(asset.status, name).toBe(200);
          expect((await asset.text()).length, name).toBeGreaterThan(500);
        }
        const runs = await fetch(`${server.url}/runs`);
        expect(runs.status).toBe(200);
        expect(await runs.text()).toContain(runId);
        // --models-root reaches /models; the other pages and the styled 404 come from the bundle too
        const modelsPage = await fetch(`${server.url}/models`);
        expect(modelsPage.status).toBe(200);
        expect(await modelsPage.text()).toContain(`No models in <code>${models}</code>`);
        for (const path of ['/datasets', '/compare'])
          expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);
        const missing = await fetch(`${server.url}/no-such-page`, { headers: { accept: 'text/html' } });
        expect(missing.status).toBe(404);
        expect(await missing.text()).toContain('Page not found');
      } finally {
        expect(await server.stop(), server.stderr()).toBe(0);
      }
    },
    TIMEOUT,
  );
});
