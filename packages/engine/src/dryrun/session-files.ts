import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BuffError, writeFileAtomic } from '@buff/core';

/** Where dry-run sessions live: `<RUNS_ROOT>/dryrun/<session id>/`. */
export const SESSIONS_DIR = 'dryrun';
export const SESSION_FILE = 'session.json';
export const JOURNAL_FILE = 'signals.journal';
export const STOP_FILE = 'stop-requested';

const CountsSchema = z
  .object({
    bars: z.number().int(),
    used: z.number().int(),
    refused: z.number().int(),
    gaps: z.number().int(),
    signals: z.number().int(),
    rateLimited: z.number().int(),
    modelSwitches: z.number().int(),
  })
  .strict();

/** `session.json`: what a session runs and where it is (rewritten atomically as it goes). */
export const SessionRecordSchema = z
  .object({
    schemaVersion: z.literal(1),
    kind: z.literal('dryrun'),
    id: z.string().regex(/^dry-[0-9a-f]{16}$/),
    status: z.enum(['running', 'stopped', 'completed', 'crashed']),
    stopReason: z.string().optional(),
    pid: z.number().int(),
    symbol: z.string(),
    feed: z.object({ kind: z.enum(['replay', 'synthetic']), bars: z.number().int() }).strict(),
    /** The run config as given (the model by alias, so that a promotion is picked up). */
    config: z.record(z.string(), z.unknown()),
    model: z.object({ name: z.string(), version: z.number().int(), id: z.string() }).strict(),
    counts: CountsSchema,
  })
  .strict();
export type SessionRecord = z.infer<typeof SessionRecordSchema>;
export type SessionCounts = z.infer<typeof CountsSchema>;

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
 * Reads a session; a `running` session whose process is gone reads as `crashed`.
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
  const record = parsed.data;
  if (record.status === 'running' && !processAlive(record.pid)) return { ...record, status: 'crashed' };
  return record;
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
