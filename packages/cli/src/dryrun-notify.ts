import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, decodeLines, writeFileAtomic } from '@buff/core';
import type { DryRunResult, JournalEntry, NotifyConfig, SessionNotifier, SessionRecord } from '@buff/engine';

/** The session's notify switches, kept beside its journal so that a resume sends what the start did. */
const NOTIFY_FILE = 'notify.json';

/** What `buff dryrun` hands the runtime, and what it calls when the session ends. */
export interface DryRunNotifyHooks {
  onOpen(session: SessionRecord, dir: string): Promise<void>;
  /** Absent when nothing is sent (the runtime then has no per-bar hook to call). */
  onEntry?: ((entry: JournalEntry, session: SessionRecord) => void) | undefined;
  /** Queues the stop (or crash) notification and waits for the outbox; its counts for the result. */
  finish(outcome: { result?: DryRunResult; error?: unknown }): Promise<NotifySummary | undefined>;
}

/** What the session's notifications did in this process. */
export interface NotifySummary {
  notifiers: string[];
  delivered: number;
  failed: number;
  pending: number;
}

/**
 * Notifications for a `buff dryrun` process: the notifiers the environment configures
 * (BUFF_TELEGRAM_*, BUFF_WEBHOOK_*) as the config's `notify.telegram` / `notify.webhook` /
 * `notify.console` choose them, the config's `notify:` switches (a new session's, else the ones
 * the session recorded), and an outbox in the session folder. With no notifier configured the
 * hooks only record a new session's switches (finish then returns undefined: nothing was sent).
 * @example const hooks = await dryRunNotifyHooks({ runsRoot, config: notifyConfig, resumed: true });
 */
export async function dryRunNotifyHooks(options: {
  runsRoot: string;
  /** The `notify:` section of a new session's config (ignored on a resume). */
  config?: unknown;
  configFile?: string | undefined;
  /** The session status before this process resumed it (a `crashed` one is notified). */
  previousStatus?: SessionRecord['status'] | undefined;
  /** The session this process resumes: its recorded switches choose the notifiers too. */
  session?: string | undefined;
}): Promise<DryRunNotifyHooks> {
  const engine = await import('@buff/engine');
  const recorded = options.session
    ? join(engine.sessionDir(options.runsRoot, options.session), NOTIFY_FILE)
    : undefined;
  const fresh =
    recorded && existsSync(recorded)
      ? engine.parseNotifyConfig(JSON.parse(readFileSync(recorded, 'utf8')), recorded)
      : engine.parseNotifyConfig(options.config, options.configFile);
  const { console, telegram, webhook } = fresh;
  const notifiers = engine.notifiersFromEnv(process.env, { console, telegram, webhook });
  if (notifiers.length === 0)
    // nothing to send, but a new session still records its switches: a resume must not pick up a notifier it left out
    return {
      async onOpen(_session, dir) {
        sessionNotifyConfig(dir, fresh, engine.parseNotifyConfig);
      },
      finish: async () => undefined,
    };
  const logger = createLogger({ name: 'buff-dryrun', level: process.env.BUFF_LOG_LEVEL ?? 'warn' });
  let notify: SessionNotifier | undefined;
  let bars = 0;
  return {
    async onOpen(session, dir) {
      const config = sessionNotifyConfig(dir, fresh, engine.parseNotifyConfig);
      const guardrails = engine.GuardrailsConfigSchema.safeParse(session.config.guardrails ?? {});
      const timezone = guardrails.success ? guardrails.data.timezone : 'UTC';
      // its lines carry the sessionId, as the runtime's do
      const sessionLogger = logger.child({ sessionId: session.id });
      notify = engine.openSessionNotifier({
        dir,
        sessionId: session.id,
        timezone,
        config,
        notifiers,
        logger: sessionLogger,
      });
      const entries = readJournal(join(dir, engine.JOURNAL_FILE));
      notify.catchUp(entries.map((entry) => ({ entry, symbol: symbolOf(entry, session) })));
      bars = entries.length;
      if (options.previousStatus === 'crashed') notify.session('crash', bars, 'the process died; resumed');
      notify.session('start', bars);
    },
    onEntry(entry, session) {
      bars = entry.seq + 1;
      notify?.entry(entry, symbolOf(entry, session));
    },
    async finish({ result, error }) {
      if (!notify) return undefined;
      if (result) notify.session('stop', result.counts.bars, result.stopReason);
      else notify.session('crash', bars, `error: ${error instanceof Error ? error.message : String(error)}`);
      if (result?.stopReason === 'kill switch on') {
        const { readKillSwitchSync } = await import('@buff/registry');
        notify.killSwitch(readKillSwitchSync(options.runsRoot));
      }
      return { notifiers: notifiers.map((n) => n.name), ...(await notify.drain()) };
    },
  };
}

/** A new session records its switches; a resumed one reads what it recorded. */
function sessionNotifyConfig(
  dir: string,
  fresh: NotifyConfig,
  parse: (raw: unknown, file?: string) => NotifyConfig,
): NotifyConfig {
  const file = join(dir, NOTIFY_FILE);
  if (existsSync(file)) return parse(JSON.parse(readFileSync(file, 'utf8')), file);
  writeFileAtomic(file, `${JSON.stringify(fresh, null, 2)}\n`);
  return fresh;
}

function readJournal(file: string): JournalEntry[] {
  return existsSync(file) ? decodeLines<JournalEntry>(readFileSync(file)).entries : [];
}

/** The symbol of a journal line: its lane's (multi-symbol sessions), else the session's. */
function symbolOf(entry: JournalEntry, session: SessionRecord): string {
  return entry.signal?.symbol ?? session.lanes[entry.lane ?? 0]?.symbol ?? session.symbol;
}
