import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BuffError, parseOrThrow, writeFileAtomic } from '@buff/core';
import { CountsSchema, journalCounts, type SessionCounts } from './session-counts.js';

/** Where dry-run sessions live: `<RUNS_ROOT>/dryrun/<session id>/`. */
export const SESSIONS_DIR = 'dryrun';
export const SESSION_FILE = 'session.json';
export const JOURNAL_FILE = 'signals.journal';
export const STOP_FILE = 'stop-requested';

const ModelRefSchema = z.object({ name: z.string(), version: z.number().int(), id: z.string() }).strict();

/** How a ccxt feed polls (recorded so that a resume polls the same exchange the same way). */
export const CcxtFeedSettingsSchema = z
  .object({
    exchange: z.string().regex(/^[a-z0-9]+$/),
    /** Replacements for entries of the exchange's `urls.api` (a proxy, a testnet, a local fake). */
    urls: z.record(z.string(), z.string().url()).optional(),
    /** ccxt exchange options (e.g. binance `fetchMarkets: { types: [spot] }`). */
    options: z.record(z.string(), z.unknown()).optional(),
    /** Buff symbol to exchange market, when `BTC-USDT` -> `BTC/USDT` is not it. */
    markets: z.record(z.string(), z.string()).optional(),
    pollMs: z.number().int().positive().default(5000),
    maxAttempts: z.number().int().positive().max(20).default(5),
    retryMs: z.number().int().nonnegative().default(1000),
  })
  .strict();
export type CcxtFeedSettings = z.infer<typeof CcxtFeedSettingsSchema>;

/** `session.json`: what a session runs and where it is (rewritten atomically as it goes). */
export const SessionRecordSchema = z
  .object({
    schemaVersion: z.literal(1),
    kind: z.literal('dryrun'),
    id: z.string().regex(/^dry-[0-9a-f]{16}$/),
    status: z.enum(['running', 'stopped', 'completed', 'crashed']),
    stopReason: z.string().optional(),
    pid: z.number().int(),
    /** The first symbol (lane 0). */
    symbol: z.string(),
    /** One lane per symbol: its symbol and the model version it started with. */
    lanes: z.array(z.object({ symbol: z.string(), model: ModelRefSchema }).strict()).min(1),
    feed: z
      .object({
        kind: z.enum(['replay', 'synthetic', 'ccxt']),
        /** Bars the feed delivers in all, when known up front (null for a live feed). */
        bars: z.number().int().nullable(),
        ccxt: CcxtFeedSettingsSchema.optional(),
      })
      .strict(),
    /** The run config as given (the model by alias, so that a promotion is picked up). */
    config: z.record(z.string(), z.unknown()),
    /** Per-symbol models as given (else every lane uses the config's model). */
    models: z
      .record(
        z.string(),
        z
          .object({
            name: z.string(),
            alias: z.enum(['champion', 'candidate']).optional(),
            version: z.number().int().optional(),
          })
          .strict(),
      )
      .optional(),
    /** Lane 0's starting model. */
    model: ModelRefSchema,
    /** Deaths found at a resume (or by `stopCrashedSession`): the process that died and the journal lines it left. */
    crashes: z.array(z.object({ pid: z.number().int(), bars: z.number().int() }).strict()).optional(),
    /** Signals per minute (bar time) per symbol the session was started with (absent in sessions from before it was stored). */
    rateLimitPerMinute: z.number().nonnegative().optional(),
    counts: CountsSchema,
    /** Bytes of the journal `counts` covers (the lines after them are counted when the session is read). */
    journalBytes: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SessionRecord = z.infer<typeof SessionRecordSchema>;
export type { SessionCounts };

/** The folder of session `id` under a runs root. */
export function sessionDir(runsRoot: string, id: string): string {
  if (!/^dry-[0-9a-f]{16}$/.test(id)) {
    throw new BuffError('INVALID_ID', `not a dry-run session id: ${id} (dry-<16 hex>)`, {
      details: { key: 'session', value: id, rule: 'INVALID_ID' },
    });
  }
  return join(runsRoot, SESSIONS_DIR, id);
}

/** Writes session.json atomically (temp file, fsync, rename). */
export function writeSession(dir: string, record: SessionRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, SESSION_FILE), `${JSON.stringify(SessionRecordSchema.parse(record), null, 2)}\n`);
}

/**
 * Reads a session; a `running` session whose process is gone reads as `crashed`. Its counts are the
 * journal's: session.json's (as of its last snapshot) plus the journal lines written since.
 * @example readSession('runs', 'dry-0123456789abcdef').status
 */
export function readSession(runsRoot: string, id: string): SessionRecord {
  const file = join(sessionDir(runsRoot, id), SESSION_FILE);
  if (!existsSync(file)) {
    throw new BuffError('NOT_FOUND', `no dry-run session ${id} under ${runsRoot}`, {
      details: { key: 'session', value: id, rule: 'SESSION_NOT_FOUND' },
    });
  }
  const parsed = SessionRecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new BuffError('CORRUPT_ARTIFACT', `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      details: { file, rule: 'SESSION_FILE' },
    });
  }
  const stored = parsed.data;
  const status = stored.status === 'running' && !processAlive(stored.pid) ? 'crashed' : stored.status;
  const journal = join(sessionDir(runsRoot, id), JOURNAL_FILE);
  return { ...stored, status, ...journalCounts(journal, { ...stored, status }) };
}

/**
 * Marks a crashed session (status running, its process gone) stopped, so that it reads as what it
 * is: not running, resumable with `--session`. Any other status is left as it is. The record after.
 * @example stopCrashedSession('runs', id).status // 'stopped'
 */
export function stopCrashedSession(runsRoot: string, id: string): SessionRecord {
  const record = readSession(runsRoot, id);
  if (record.status !== 'crashed') return record;
  const stopped: SessionRecord = {
    ...record,
    crashes: [...(record.crashes ?? []), { pid: record.pid, bars: record.counts.bars }],
    status: 'stopped',
    stopReason: `stopped after a crash (process ${record.pid} was gone)`,
  };
  writeSession(sessionDir(runsRoot, id), stopped);
  return stopped;
}

/** Every session under a runs root, by id. */
export function listSessions(runsRoot: string): SessionRecord[] {
  const dir = join(runsRoot, SESSIONS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^dry-[0-9a-f]{16}$/.test(name) && existsSync(join(dir, name, SESSION_FILE)))
    .sort()
    .map((id) => readSession(runsRoot, id));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where lane `symbol`'s Arrow snapshots are: the session folder itself for a one-symbol session (the
 * files a parity check compares with `buff run build`), else `lanes/<symbol>/` inside it.
 * @example laneDir(dir, ['BTC-USD', 'ETH-USD'], 'ETH-USD') // <dir>/lanes/ETH-USD
 */
export function laneDir(dir: string, symbols: readonly string[], symbol: string): string {
  return symbols.length === 1 ? dir : join(dir, 'lanes', symbol);
}

const ModelRefInputSchema = z
  .object({
    name: z.string(),
    alias: z.enum(['champion', 'candidate']).optional(),
    version: z.number().int().optional(),
  })
  .strict();

/** The optional `dryrun:` section of a dry-run config: the feed, the ccxt settings, per-symbol models. */
export const DryRunSectionSchema = z
  .object({
    feed: z.enum(['replay', 'synthetic', 'ccxt']).optional(),
    ccxt: CcxtFeedSettingsSchema.optional(),
    models: z.record(z.string(), ModelRefInputSchema).optional(),
  })
  .strict();
export type DryRunSection = z.infer<typeof DryRunSectionSchema>;

/**
 * Splits a dry-run config into its run config (what `buff run build` reads) and its `dryrun:`
 * section, checked (INVALID_CONFIG naming the key).
 * @example const { config, dryrun } = splitDryRunConfig(parse(text), 'configs/dryrun_demo.yml');
 */
export function splitDryRunConfig(given: unknown, file?: string): { config: unknown; dryrun: DryRunSection } {
  if (given === null || typeof given !== 'object' || !('dryrun' in given)) return { config: given, dryrun: {} };
  const { dryrun, ...config } = given as Record<string, unknown>;
  const section = parseOrThrow(DryRunSectionSchema, dryrun ?? {}, 'INVALID_CONFIG', {
    what: 'invalid dryrun section',
    path: ['dryrun'],
    rule: 'DRYRUN_SECTION',
    ...(file ? { file } : {}),
  });
  return { config, dryrun: section };
}
