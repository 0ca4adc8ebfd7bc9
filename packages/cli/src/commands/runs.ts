import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { BuffError, parseOrThrow } from '@buff/core';
import { formatTable } from '../text-table.js';
import type { RunListQuery, RunRecord, RunRegistry, RunStatus } from '@buff/registry';
import { allOf } from '../choices.js';
import { outputFor, type GlobalArgs, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { resolveRoot } from '../roots.js';
import { refuseWhileKillSwitchOn } from '../kill-switch-guard.js';
import { formatMetricsSummary, readRunMetrics } from '../metrics-summary.js';
import { kindRow, otherKinds, RUN_KINDS, type KindRow, type RunKind } from './runs-kinds.js';

const SORTS = allOf<RunListQuery['sort']>()([
  'createdAt',
  'name',
  'strategy',
  'id',
  'totalReturn',
  'sharpe',
  'maxDrawdown',
  'tradeCount',
]);
const STATUSES = allOf<RunStatus>()(['completed', 'stopped', 'failed', 'legacy']);
const ORDERS = allOf<RunListQuery['order']>()(['asc', 'desc']);

/** The storage flags shared by every registry command. */
export function withRegistryOptions<T>(y: Argv<T>) {
  return y
    .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
    .option('driver', {
      choices: ['fs', 'postgres'] as const,
      default: 'fs' as const,
      describe: 'registry storage driver',
    })
    .option('pg-url', {
      type: 'string',
      describe: 'PostgreSQL connection string for --driver postgres (else BUFF_PG_URL)',
    });
}

/** Resolves RUNS_ROOT (announced) and opens the registry; reading commands never create the root. */
export async function openRegistryFor(
  args: { runsRoot?: string; driver?: 'fs' | 'postgres'; pgUrl?: string },
  out: Output,
  create = false,
): Promise<RunRegistry> {
  const root = resolveRoot('RUNS_ROOT', args.runsRoot);
  out.root(root);
  const { openRunRegistry } = await import('@buff/registry');
  const registry = await openRunRegistry({
    runsRoot: root.path,
    create,
    driver: args.driver,
    pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL,
  });
  for (const problem of registry.problems()) out.progress(`warning: ${problem.file}: ${problem.problem}`);
  return registry;
}

const RUN_COLUMNS = [
  'kind',
  'id',
  'created',
  'strategy',
  'symbols',
  'tf',
  'status',
  'return',
  'sharpe',
  'trades',
  'tags',
  'detail',
  '',
];

function runCells(r: RunRecord): string[] {
  const num = (v: number | null, digits = 3) => (v === null ? '-' : v.toFixed(digits));
  return [
    'run',
    r.id,
    r.createdAt,
    r.strategy,
    r.symbols.join(','),
    r.timeframe,
    r.status,
    num(r.metrics.totalReturn),
    num(r.metrics.sharpe, 2),
    String(r.metrics.tradeCount ?? '-'),
    r.tags.join(',') || '-',
    '-',
    r.legacy ? 'legacy' : '',
  ];
}

function formatRuns(records: RunRecord[], others: KindRow[] = []): string {
  const pad = (cells: string[]) =>
    cells.concat(Array(RUN_COLUMNS.length - cells.length).fill('')).slice(0, RUN_COLUMNS.length);
  return formatTable(RUN_COLUMNS, records.map(runCells).concat(others.map((o) => pad(kindRow(o)))));
}

/** `buff runs list|show|migrate`: browse the registry and import Phase-1 runs. */
export const registerRunsCommands: RegisterCommands = (cli) =>
  cli.command('runs', 'browse registered runs and migrate legacy ones', (runs: Argv<GlobalArgs>) =>
    runs
      .command(
        'list',
        'list runs with filters, sort and paging',
        (y) =>
          withRegistryOptions(y)
            .option('strategy', { type: 'string' })
            .option('symbol', { type: 'string', describe: 'runs on this symbol (any case: btc-usd finds BTC-USD)' })
            .option('timeframe', { type: 'string' })
            .option('status', { choices: STATUSES })
            .option('tag', { type: 'string' })
            .option('where', {
              type: 'string',
              describe:
                'metric conditions, as the server\'s ?where=: "sharpe>1, drawdown>-10" (sharpe, return and drawdown in %, trades; > >= < <= =); dry-run sessions and sweeps have no such metrics and are left out',
            })
            .option('legacy', { type: 'boolean', describe: 'only legacy (true) or only new (false) runs' })
            .option('since', { type: 'string', describe: 'registered at or after (ISO date/time)' })
            .option('until', { type: 'string', describe: 'registered at or before (ISO date/time)' })
            .option('sort', { choices: SORTS, default: 'createdAt' as const })
            .option('order', { choices: ORDERS, default: 'desc' as const })
            .option('limit', { type: 'number', default: 50 })
            .option('offset', { type: 'number', default: 0 })
            .option('kind', {
              choices: RUN_KINDS,
              array: true,
              describe: 'what to list: run (registered runs), dryrun (sessions), sweep; default all',
            }),
        (args) => listRuns(args),
      )
      .command(
        'show <id>',
        'show one run: its registry record and manifest summary',
        (y) => withRegistryOptions(y).positional('id', { type: 'string', demandOption: true }),
        (args) => showRun(args),
      )
      .command(
        'tag <id> [tags..]',
        'set tags on a run (registry metadata, not part of the run id): adds the given tags, or removes them with --remove',
        (y) =>
          withRegistryOptions(y)
            .positional('id', { type: 'string', demandOption: true })
            .positional('tags', { type: 'string', array: true, default: [] as string[] })
            .option('remove', {
              type: 'boolean',
              default: false,
              describe: 'remove the given tags instead of adding them',
            }),
        async (args) => {
          const out = outputFor(args);
          const { TagSchema } = await import('@buff/registry');
          const given = (args.tags ?? []).map((tag) =>
            parseOrThrow(TagSchema, String(tag), 'INVALID_INPUT', { what: `tag ${JSON.stringify(String(tag))}` }),
          );
          if (given.length === 0)
            throw new BuffError('INVALID_INPUT', 'name at least one tag: buff runs tag <id> <tag>...', {
              details: { key: 'tags', rule: 'required' },
            });
          const registry = await openRegistryFor(args, out);
          try {
            const record = await registry.get(args.id);
            if (!record)
              throw new BuffError('RUN_NOT_FOUND', `no run ${args.id} in ${registry.root}`, {
                details: { value: args.id, file: registry.root },
              });
            const tags = args.remove ? record.tags.filter((tag) => !given.includes(tag)) : [...record.tags, ...given];
            const tagged = await registry.setTags(args.id, tags);
            out.line(`${tagged.id}: ${tagged.tags.join(', ') || '(no tags)'}`);
            out.result({ id: tagged.id, tags: tagged.tags });
          } finally {
            await registry.close();
          }
        },
      )
      .command(
        'migrate',
        'copy Phase-1 runs (artifacts/<name>/ with decisions.jsonl) into RUNS_ROOT as legacy runs; never deletes the source',
        (y) =>
          withRegistryOptions(y)
            .option('from', { type: 'string', demandOption: true, describe: 'legacy artifacts folder' })
            .option('dry-run', { type: 'boolean', default: false, describe: 'list what would be copied (read-only)' }),
        async (args) => {
          const out = outputFor(args);
          if (!args.dryRun) await refuseWhileKillSwitchOn(args, out, 'runs migrate');
          const registry = await openRegistryFor(args, out, !args.dryRun);
          try {
            const { migrateLegacyRuns } = await import('@buff/registry');
            const report = await migrateLegacyRuns(args.from, registry, { dryRun: args.dryRun });
            for (const m of report.migrated)
              out.line(`${args.dryRun ? 'would migrate' : 'migrated'} ${m.from} -> ${m.id}`);
            for (const s of report.skipped) out.line(`skipped ${s.from} (${s.id}): ${s.reason}`);
            for (const p of report.problems) out.line(`not migrated ${p.dir}: ${p.problem}`);
            out.line(
              `${report.migrated.length} migrated, ${report.skipped.length} already there, ${report.problems.length} not legacy runs`,
            );
            out.result({ ...report, dryRun: args.dryRun });
          } finally {
            await registry.close();
          }
        },
      )
      .demandCommand(1, 'name a runs subcommand: list, show, tag, migrate'),
  );

/** `buff runs show ID`: the registry record, the manifest's inputs and artifacts, the metrics summary. */
async function showRun(args: Parameters<typeof openRegistryFor>[0] & { id: string; json?: boolean }): Promise<void> {
  const out = outputFor(args);
  const registry = await openRegistryFor(args, out);
  try {
    const record = await registry.get(args.id);
    if (!record)
      throw new BuffError('RUN_NOT_FOUND', `no run ${args.id} in ${registry.root}`, {
        details: { value: args.id, file: registry.root },
      });
    const dir = registry.runDir(args.id);
    const manifestFile = existsSync(join(dir, 'manifest.json')) ? 'manifest.json' : 'legacy.json';
    const manifest = JSON.parse(readFileSync(join(dir, manifestFile), 'utf8')) as Record<string, unknown>;
    const artifacts = (manifest.artifacts ?? manifest.files ?? []) as Array<{
      file: string;
      bytes: number;
      sha256: string;
    }>;
    out.line(formatRuns([record]));
    out.line(`name: ${record.name}`);
    out.line(`window: ${record.window.since ?? '-'} .. ${record.window.until ?? '-'}`);
    out.line(`folder: ${dir}`);
    if (manifest.engineVersion) out.line(`engine: ${String(manifest.engineVersion)}`);
    for (const input of (manifest.inputs ?? []) as Array<{ symbol: string; timeframe: string; contentId: string }>)
      out.line(`input: ${input.symbol} ${input.timeframe} ${input.contentId}`);
    for (const a of artifacts) out.line(`artifact: ${a.file} ${a.bytes} bytes sha256 ${a.sha256.slice(0, 16)}…`);
    const metrics = readRunMetrics(dir);
    if (metrics) for (const line of formatMetricsSummary(metrics, record.window)) out.line(line);
    out.result({ record, runDir: dir, manifest, metrics });
  } finally {
    await registry.close();
  }
}

interface ListArgs {
  json?: boolean;
  runsRoot?: string | undefined;
  driver?: 'fs' | 'postgres';
  pgUrl?: string | undefined;
  strategy?: string | undefined;
  symbol?: string | undefined;
  timeframe?: string | undefined;
  status?: RunStatus | undefined;
  tag?: string | undefined;
  where?: string | undefined;
  legacy?: boolean | undefined;
  since?: string | undefined;
  until?: string | undefined;
  sort: RunListQuery['sort'];
  order: RunListQuery['order'];
  limit: number;
  offset: number;
  kind?: RunKind[] | undefined;
}

/** `buff runs list`: the registry's runs (filtered, sorted, paged), then dry-run sessions and sweeps. */
async function listRuns(args: ListArgs): Promise<void> {
  const out = outputFor(args);
  const { parseRunMetricFilter } = await import('@buff/registry');
  const metrics = parseRunMetricFilter(args.where); // a bad clause is refused before the registry opens
  const registry = await openRegistryFor(args, out);
  try {
    const kinds = args.kind && args.kind.length > 0 ? args.kind : [...RUN_KINDS];
    const others = metrics.length > 0 ? [] : await otherKinds(registry.root, { kinds, symbol: args.symbol });
    const page = await registry.list({
      strategy: args.strategy,
      symbol: args.symbol,
      symbolAnyCase: args.symbol !== undefined,
      metrics,
      timeframe: args.timeframe,
      status: args.status,
      tag: args.tag,
      legacy: args.legacy,
      createdFrom: args.since,
      createdTo: args.until,
      sort: args.sort,
      order: args.order,
      limit: args.limit,
      offset: args.offset,
    });
    const runs = kinds.includes('run') ? page.items : [];
    if (runs.length + others.length > 0) out.line(formatRuns(runs, others));
    out.line(`${runs.length} of ${kinds.includes('run') ? page.total : 0} run(s)`);
    if (others.length > 0) out.line(`${others.length} dry-run session(s) and sweep(s)`);
    out.result({
      total: kinds.includes('run') ? page.total : 0,
      items: runs.map((r) => ({ kind: 'run', ...r })),
      others,
      problems: registry.problems(),
    });
  } finally {
    await registry.close();
  }
}
