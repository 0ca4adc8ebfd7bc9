import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// `buff observe report` through the built buff: a replay session reconciles to zero differences with
// the baseline built on the fly, the files are Markdown + SVG with the same bytes each time, a paused
// session's missing bars are explained (not flagged), and bad input is refused.
const tmp = makeTempDir('buff-observe-report-');
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let config: string;
const SECOND = 'SIG-TWO';
const twoSymbols = () => join(tmp.dir, 'observe-two.yml');
const reports = () => join(tmp.dir, 'reports');
const roots = () => [
  '--runs-root',
  join(tmp.dir, 'runs'),
  '--data-root',
  fx.dataRoot,
  '--models-root',
  fx.modelsRoot,
  '--reports-root',
  reports(),
];

interface ReportResult {
  dir: string;
  files: string[];
  baseline: string;
  compared: number;
  differences: number;
  unexplained: number;
  criteria: Array<{ name: string; pass: boolean; figures: string }>;
}

async function dryrun(args: string[]): Promise<{ sessionId: string; status: string }> {
  const r = await runBuff(['dryrun', ...args, ...roots().slice(0, 6), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return lastJson(r.stdout);
}

async function report(args: string[]): Promise<ReportResult> {
  const r = await runBuilt(['observe', 'report', ...args, ...roots(), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return lastJson(r.stdout);
}

function snapshot(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
}

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  config = join(tmp.dir, 'observe.yml');
  const yaml = [
    'name: observe report',
    'strategy: { name: model-signal, params: { model: { name: sig } } }',
    `symbols: [${fx.symbol}]`,
    'timeframe: 1m',
    // two days in Europe/Prague (midnight is 23:00 UTC in January)
    'window: { since: "2024-01-03T21:00:00Z", until: "2024-01-04T01:00:00Z" }',
    'allowShort: true',
    'guardrails: { preset: ftmo-2step }',
  ].join('\n');
  writeFileSync(config, `${yaml}\n`);
  const synth = ['data', 'synth', '--symbol', SECOND, '--days', '4', '--seed', '2', '--signal', '1'];
  const made = await runBuff([...synth, '--data-root', fx.dataRoot, '--json']);
  expect(made.code, made.stderr).toBe(0);
  writeFileSync(twoSymbols(), `${yaml.replace(`symbols: [${fx.symbol}]`, `symbols: [${fx.symbol}, ${SECOND}]`)}\n`);
}, 300_000);
afterAll(() => tmp.cleanup());

describe('buff observe report (built CLI)', () => {
  it('a replay session reconciles to zero differences; summary, days and charts have the same bytes each time', async () => {
    const session = await dryrun(['--config', config, '--feed', 'replay']);
    expect(session.status).toBe('completed');
    const first = await report(['--session', session.sessionId]);
    expect(first.baseline).toMatch(/^run-[0-9a-f]{16} \(built on the fly/);
    expect(first).toMatchObject({ differences: 0, unexplained: 0, compared: 240 });
    expect(first.files).toEqual(
      expect.arrayContaining(['summary.md', 'day1.md', 'day2.md', 'equity.svg', 'tiers.svg', 'daily-signals.svg']),
    );
    const summary = readFileSync(join(first.dir, 'summary.md'), 'utf8');
    expect(summary).toContain('## Exit criteria');
    expect(summary).toContain('pass: every decision difference explained');
    expect(summary).toContain('FAIL: ran 72 hours without a crash'); // 4 hours of bars
    expect(summary).toContain('No difference: the dry run reconciles to the baseline.');
    expect(readFileSync(join(first.dir, 'equity.svg'), 'utf8')).toMatch(
      /^<svg [^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/,
    );
    const bytes = snapshot(first.dir);
    const again = await report(['--session', session.sessionId]);
    expect(again.baseline).toBe(first.baseline); // the same run: nothing rebuilt
    expect(snapshot(again.dir)).toEqual(bytes);
  }, 300_000);

  it('a two-symbol session: each symbol against its own build, per-symbol rows and the total, zero differences', async () => {
    const session = await dryrun(['--config', twoSymbols(), '--feed', 'replay']);
    expect(session.status).toBe('completed');
    const r = await report(['--session', session.sessionId]);
    expect(r).toMatchObject({ differences: 0, unexplained: 0, compared: 480 });
    expect(r.baseline).toMatch(new RegExp(`^${fx.symbol}: run-[0-9a-f]{16} .*; ${SECOND}: run-[0-9a-f]{16} `));
    const summary = readFileSync(join(r.dir, 'summary.md'), 'utf8');
    expect(summary).toContain('## Dry run and baseline: all symbols');
    expect(summary).toContain('| decisions | 480 | 480 |  |');
    expect(summary).toContain('## Per symbol');
    for (const symbol of [fx.symbol, SECOND]) expect(summary).toMatch(new RegExp(`\\| ${symbol} \\| 240 / 240 \\| `));
  }, 300_000);

  it('a paused session: the bars it has not reached are explained, none flagged; --day writes one day', async () => {
    const session = await dryrun(['--config', config, '--iterations', '100']);
    expect(session.status).toBe('stopped');
    const r = await report(['--session', session.sessionId, '--day', '1']);
    expect(r).toMatchObject({ differences: 140, unexplained: 0 });
    expect(r.files.filter((f) => f.startsWith('day'))).toEqual(['day1-equity.svg', 'day1.md']);
    const day = readFileSync(join(r.dir, 'day1.md'), 'utf8');
    expect(day).toContain('# Day 1 (2024-01-03, Europe/Prague)');
    const summary = readFileSync(join(r.dir, 'summary.md'), 'utf8');
    expect(summary).toContain('| not processed yet | 140 |');
    expect(existsSync(join(r.dir, 'day2.md'))).toBe(false);
  }, 300_000);

  it('refuses a day outside the session, an unknown session and an unknown baseline (exit 3, nothing written)', async () => {
    const session = await dryrun(['--config', config, '--iterations', '10']);
    const cases = [
      ['--session', session.sessionId, '--day', '9'],
      ['--session', 'dry-00000000000000ff'],
      ['--session', session.sessionId, '--baseline', 'run-00000000000000ff'],
    ];
    for (const args of cases) {
      const r = await runBuilt(['observe', 'report', ...args, ...roots()]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(
        /day 9: the session has 1 day|no dry-run session dry-00000000000000ff|no run run-00000000000000ff/,
      );
    }
    expect(existsSync(join(reports(), 'observation', session.sessionId))).toBe(false);
  }, 300_000);
});
