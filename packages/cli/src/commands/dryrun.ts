import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError, createLogger, decodeLines } from '@buff/core';
import type { JournalEntry, RunConfigInput, SessionRecord } from '@buff/engine';
import { outputFor, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { resolveRoot } from '../roots.js';
import { registryModelResolver } from '../model-resolver.js';
import { dryRunNotifyHooks } from '../dryrun-notify.js';

const ACTIONS = ['run', 'list', 'status', 'stop', 'signals'] as const;

interface DryRunArgs {
  action: (typeof ACTIONS)[number];
  id?: string | undefined;
  config?: string | undefined;
  model?: string[] | undefined;
  symbol?: string[] | undefined;
  feed?: 'replay' | 'synthetic' | 'ccxt' | undefined;
  exchange?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  iterations?: number | undefined;
  sleepSeconds: number;
  session?: string | undefined;
  rateLimit?: number | undefined;
  runsRoot?: string | undefined;
  dataRoot?: string | undefined;
  modelsRoot?: string | undefined;
  json?: boolean;
  all?: boolean;
}

/** `buff dryrun`: run or resume a dry-run session; `list`, `status ID`, `stop ID`, `signals ID`. */
export const registerDryRunCommands: RegisterCommands = (cli) =>
  cli.command(
    'dryrun [action] [id]',
    'run a promoted model on a feed without orders (signals, simulated positions, guardrails); list|status|stop|signals ID',
    (y) =>
      y
        .positional('action', { choices: ACTIONS, default: 'run' as const })
        .positional('id', { type: 'string', describe: 'session id (dry-<16 hex>) for status, stop, signals' })
        .option('config', {
          type: 'string',
          describe: 'run config (strategy model-signal; one lane per symbol; optional dryrun: { feed, ccxt, models })',
        })
        .option('model', {
          type: 'string',
          array: true,
          describe: 'quick start: registry model NAME[@champion|@candidate], or SYMBOL=NAME[@alias] per symbol',
        })
        .option('symbol', { type: 'string', array: true, describe: 'quick start: the symbol(s)' })
        .option('feed', { choices: ['replay', 'synthetic', 'ccxt'] as const, describe: 'bar source (default replay)' })
        .option('exchange', { type: 'string', describe: 'ccxt feed: the ccxt exchange id (e.g. binance)' })
        .option('since', { type: 'string', describe: 'quick start: first bar (ISO with zone)' })
        .option('until', { type: 'string', describe: 'quick start: end of the feed (exclusive)' })
        .option('iterations', { type: 'number', describe: 'feed bars to handle now (default: all)' })
        .option('sleep-seconds', { type: 'number', default: 0, describe: 'pause between bars' })
        .option('session', { type: 'string', describe: 'resume this session at its next unprocessed bar' })
        .option('rate-limit', {
          type: 'number',
          describe: 'signals per minute per symbol (default 6; kept in session.json: a resume keeps it)',
        })
        .option('all', {
          type: 'boolean',
          describe: 'signals: rate-limited signals too, each with its suppressed reason',
        })
        .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
        .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' }),
    async (args) => {
      const out = outputFor(args);
      const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
      out.root(runsRoot);
      const a = args as unknown as DryRunArgs;
      if (a.action === 'run') await runSession(a, runsRoot.path, out);
      else await inspect(a, runsRoot.path, out);
    },
  );

async function runSession(args: DryRunArgs, runsRoot: string, out: Output): Promise<void> {
  const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
  const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
  out.root(dataRoot);
  out.root(modelsRoot);
  if (args.session) refuseNewSessionFlags(args);
  const given = args.session ? undefined : await configOf(args);
  const { splitDryRunConfig, runDryRun, readSession } = await import('@buff/engine');
  const { notify: notifySection, ...withoutNotify } = (given ?? {}) as Record<string, unknown>;
  const { config, dryrun } = splitDryRunConfig(args.session ? undefined : withoutNotify, args.config);
  const notify = await dryRunNotifyHooks({
    runsRoot,
    config: notifySection,
    configFile: args.config,
    previousStatus: args.session ? readSession(runsRoot, args.session).status : undefined,
    session: args.session,
  });
  const { openModelRegistry, readKillSwitchSync } = await import('@buff/registry');
  const models = await openModelRegistry({ modelsRoot: modelsRoot.path });
  try {
    const result = await runDryRun({
      runsRoot,
      dataRoot: dataRoot.path,
      session: args.session,
      config: args.session ? undefined : (config as RunConfigInput),
      feed: args.feed ?? dryrun.feed,
      ccxt: dryrun.ccxt,
      models: dryrun.models,
      iterations: args.iterations,
      sleepMs: args.sleepSeconds * 1000,
      rateLimitPerMinute: args.rateLimit,
      resolveModel: registryModelResolver(models),
      // JSON lines on stderr, each with the sessionId (BUFF_LOG_LEVEL, info by default)
      logger: createLogger({ name: 'buff-dryrun' }),
      killSwitchOn: () => readKillSwitchSync(runsRoot).on,
      onModelSwitch: async ({ model, session, seq, symbol, barTs, version, from, alias }) => {
        out.line(
          `${new Date(barTs).toISOString()} ${symbol} model ${model} v${from?.version} -> v${version} (${alias} moved)`,
        );
        await models.recordUse(model, 'dryrun-switch', `dryrun:${session}`, {
          session,
          seq,
          symbol,
          barTs: new Date(barTs).toISOString(),
          alias: alias ?? null,
          from: from?.version ?? null,
          to: version,
        });
      },
      onSignal: (s) =>
        out.line(`${s.ts} ${s.symbol} ${s.action} p=${s.probability.toFixed(3)} ${s.tier} ${s.model} v${s.version}`),
      onOpen: notify?.onOpen,
      onEntry: notify?.onEntry,
    }).catch(async (error: unknown) => {
      await notify?.finish({ error });
      throw error;
    });
    const notifications = await notify?.finish({ result });
    out.line(`session ${result.sessionId}: ${result.status} (${result.stopReason ?? ''})`);
    out.line(`bars ${result.counts.bars} (refused ${result.counts.refused}), signals ${result.counts.signals}`);
    out.line(`inference backend ${result.backend}`);
    if (notifications) out.line(notifyLine(notifications));
    out.result({ ...result, signals: result.counts.signals, ...(notifications ? { notifications } : {}) });
  } finally {
    await models.close();
  }
}

/** The run config: from --config, or built from the quick-start flags. */
async function configOf(args: DryRunArgs): Promise<unknown> {
  const { parse } = await import('yaml');
  if (args.config) {
    const text = await readFile(args.config, 'utf8').catch((err: unknown) => {
      throw new BuffError('INVALID_INPUT', `cannot read config ${args.config}: ${(err as Error).message}`, {
        cause: err,
        details: { file: args.config, key: 'config' },
      });
    });
    return parse(text);
  }
  if (!args.model || !args.symbol || !args.since || !args.until) {
    throw new BuffError(
      'INVALID_INPUT',
      'buff dryrun needs --config F, or --model NAME[@alias] --symbol S --since T --until T',
      {
        details: { key: 'model', rule: 'USAGE' },
      },
    );
  }
  const global = args.model.find((m) => !m.includes('='));
  const perSymbol = Object.fromEntries(
    args.model.filter((m) => m.includes('=')).map((m) => [m.split('=')[0], modelRef(m.split('=')[1] ?? '')]),
  );
  const first = global ?? args.model[0]?.split('=')[1] ?? '';
  return {
    name: `dryrun ${args.model.join(' ')} ${args.symbol.join(' ')}`,
    strategy: { name: 'model-signal', params: { model: modelRef(first) } },
    symbols: args.symbol,
    timeframe: '1m',
    window: { since: args.since, until: args.until },
    guardrails: { preset: 'ftmo-2step' },
    dryrun: {
      ...(Object.keys(perSymbol).length > 0 ? { models: perSymbol } : {}),
      ...(args.exchange ? { ccxt: { exchange: args.exchange } } : {}),
    },
  };
}

/** A resume runs the session's stored config: flags that would choose another one are refused, not ignored. */
function refuseNewSessionFlags(args: DryRunArgs): void {
  const flags = (['config', 'model', 'symbol', 'since', 'until', 'exchange'] as const).filter(
    (f) => args[f] !== undefined,
  );
  if (flags.length === 0) return;
  throw new BuffError(
    'INVALID_INPUT',
    `buff dryrun --session ${args.session} resumes the session with the config stored in its session.json: ` +
      `--${flags.join(', --')} cannot change it (leave ${flags.length === 1 ? 'it' : 'them'} out, or start a new session)`,
    { details: { key: flags[0], rule: 'SESSION_OPTION_MISMATCH' } },
  );
}

function modelRef(text: string): { name: string; alias?: string } {
  const [name, alias] = text.split('@');
  return { name: name ?? '', ...(alias ? { alias } : {}) };
}

async function inspect(args: DryRunArgs, runsRoot: string, out: Output): Promise<void> {
  const { listSessions, readSession, sessionDir, JOURNAL_FILE } = await import('@buff/engine');
  if (args.action === 'list') {
    const sessions = listSessions(runsRoot);
    for (const s of sessions) out.line(describe(s));
    out.result({ sessions });
    return;
  }
  if (!args.id)
    throw new BuffError('INVALID_INPUT', `buff dryrun ${args.action} needs a session id`, { details: { key: 'id' } });
  const session = readSession(runsRoot, args.id);
  const dir = sessionDir(runsRoot, args.id);
  if (args.action === 'status') {
    out.line(describe(session));
    out.result({ session });
  } else if (args.action === 'stop') {
    await stop(session, dir, runsRoot, out);
  } else {
    const bytes = await readFile(join(dir, JOURNAL_FILE)).catch(() => Buffer.alloc(0));
    const signals = decodeLines<JournalEntry>(bytes)
      .entries.flatMap((e) =>
        e.signal && (args.all || !e.rateLimited) ? [{ ...e.signal, suppressed: e.suppressed }] : [],
      )
      // the fields issue 12 names, in its order (the journal keeps action and modelId besides)
      .map(({ ts, symbol, direction, probability, confidence, tier, model, version, reason, suppressed }) => ({
        ts,
        symbol,
        direction,
        probability,
        confidence,
        tier,
        model,
        version,
        reason,
        ...(suppressed === undefined ? {} : { suppressed }),
      }));
    for (const s of signals)
      out.line(
        `${s.ts} ${s.symbol} ${s.direction} p=${s.probability.toFixed(3)} ${s.tier} ${s.model} v${s.version}${s.suppressed ? ` (not emitted: ${s.suppressed})` : ''}`,
      );
    out.result({ sessionId: session.id, signals });
  }
}

/** A running session is asked to stop (at its next bar); a crashed one (process gone) is marked stopped now. */
async function stop(session: SessionRecord, dir: string, runsRoot: string, out: Output): Promise<void> {
  const { STOP_FILE, stopCrashedSession } = await import('@buff/engine');
  if (session.status === 'running') {
    const { writeFileAtomic } = await import('@buff/core');
    writeFileAtomic(join(dir, STOP_FILE), 'stop\n');
    out.line(`stop requested for ${session.id}`);
    out.result({ session, stopRequested: true, markedStopped: false });
  } else if (session.status === 'crashed') {
    const stopped = stopCrashedSession(runsRoot, session.id);
    out.line(`${session.id} was crashed (process ${session.pid} gone): marked ${stopped.status}; --session resumes it`);
    out.result({ session: stopped, stopRequested: false, markedStopped: stopped.status === 'stopped' });
  } else {
    out.line(`${session.id} is ${session.status}`);
    out.result({ session, stopRequested: false, markedStopped: false });
  }
}

function notifyLine(n: { notifiers: string[]; delivered: number; failed: number; pending: number }): string {
  return `notifications (${n.notifiers.join(', ')}): delivered ${n.delivered}, refused ${n.failed}, pending ${n.pending}`;
}

function describe(s: SessionRecord): string {
  const c = s.counts;
  const symbols = s.lanes.map((l) => l.symbol).join(',');
  const of = s.feed.bars === null ? '' : `/${s.feed.bars}`;
  return `${s.id} ${s.status} ${symbols} ${s.feed.kind} ${s.model.name} v${s.model.version}: bars ${c.bars}${of}, signals ${c.signals}, refused ${c.refused}`;
}
