import { silentLogger, type Logger } from '@buff/core';
import { isEventEnabled, type NotifyConfig } from './notify-config.js';
import { idempotencyKey, NotifyEventSchema, type Notification, type NotifyEventInput } from './notify-event.js';
import type { Notifier } from './notifier.js';
import { openOutbox, type FlushReport, type Outbox } from './outbox.js';
import { SessionNotices, type NoticeEntry } from './session-notices.js';

/** What a session notifier needs: where its outbox lives and what it may send where. */
export interface SessionNotifierOptions {
  /** The session folder (the outbox journal is written there). */
  dir: string;
  sessionId: string;
  /** The guardrails' time zone: daily summaries follow its midnight. */
  timezone: string;
  config: NotifyConfig;
  notifiers: readonly Notifier[];
  logger?: Logger | undefined;
  /** The clock for session and kill-switch events' `at` (their keys never depend on it). */
  now?: () => Date;
}

/** The kill switch as the runtime found it when it stopped. */
export interface KillSwitchNotice {
  on: boolean;
  actor: string;
  reason: string;
  changedAt: string;
}

/** Deliveries made and refused by this process, and what is left pending. */
export interface NotifyTotals {
  delivered: number;
  failed: number;
  pending: number;
}

/**
 * A dry-run session's notifications. Each is journaled in the session's outbox (append + fsync)
 * before it is sent, and sent in the background so that a slow receiver never holds a bar back.
 * `catchUp` re-reads the journal a resumed session already holds: what a crash left unqueued is
 * queued now, what was queued keeps its key and is not queued twice.
 * @example
 * const notify = openSessionNotifier({ dir, sessionId, timezone, config, notifiers });
 * notify.session('start', 0);
 * notify.entry(entry, 'BTC-USD');
 * await notify.drain();
 */
export interface SessionNotifier {
  readonly outbox: Outbox;
  /** Queues the notifications of journal lines written before this process (a resume). */
  catchUp(entries: Iterable<{ entry: NoticeEntry; symbol: string }>): void;
  /** Queues the notifications of one new journal line and starts sending them. */
  entry(entry: NoticeEntry, symbol: string): void;
  /** Session start, stop or crash; `bars`: journal lines at that moment (part of the key). */
  session(state: 'start' | 'stop' | 'crash', bars: number, reason?: string): void;
  /** The kill switch stopped the session: one notification per kill-switch change. */
  killSwitch(state: KillSwitchNotice): void;
  /** Waits until everything queued was tried (what is still pending is retried at the next start); totals of this process. */
  drain(): Promise<NotifyTotals>;
}

export function openSessionNotifier(options: SessionNotifierOptions): SessionNotifier {
  const logger = options.logger ?? silentLogger();
  const now = options.now ?? (() => new Date());
  const outbox = openOutbox({ dir: options.dir, notifiers: options.notifiers });
  const notices = new SessionNotices(options.sessionId, options.timezone);
  let last: Promise<FlushReport> = Promise.resolve(EMPTY);
  let scheduled = false;
  const totals: NotifyTotals = { delivered: 0, failed: 0, pending: 0 };
  const kick = (): void => {
    if (scheduled) return;
    scheduled = true;
    last = last
      .catch(() => EMPTY)
      .then(async () => {
        scheduled = false;
        const report = await outbox.flush();
        totals.delivered += report.delivered.length;
        totals.failed += report.failed.length;
        logReport(logger, options.sessionId, report);
        return report;
      });
  };
  const queue = (notification: Notification): void => {
    if (isEventEnabled(options.config, notification.event) && outbox.enqueue(notification)) kick();
  };
  const queueEvent = (input: NotifyEventInput, key?: string): void => {
    const event = NotifyEventSchema.parse(input);
    queue({ key: key ?? idempotencyKey(event), event });
  };
  return {
    outbox,
    catchUp(entries) {
      for (const { entry, symbol } of entries) for (const n of notices.of(entry, symbol)) queue(n);
      if (outbox.pending().length > 0) kick();
    },
    entry: (entry, symbol) => {
      for (const n of notices.of(entry, symbol)) queue(n);
    },
    session(state, bars, reason) {
      const event = { kind: 'session' as const, state, sessionId: options.sessionId, at: now().toISOString() };
      queueEvent(reason === undefined ? event : { ...event, reason }, `${options.sessionId}.${state}.${bars}`);
    },
    killSwitch(state) {
      const { on, actor, reason, changedAt } = state;
      const at = Number.isNaN(Date.parse(changedAt)) ? now() : new Date(changedAt);
      queueEvent({ kind: 'kill-switch', on, actor, reason, at: at.toISOString() });
    },
    drain: async () => {
      kick();
      await last;
      return { ...totals, pending: outbox.pending().length };
    },
  };
}

const EMPTY: FlushReport = { delivered: [], failed: [], pending: [] };

function logReport(logger: Logger, session: string, report: FlushReport): void {
  for (const failed of report.failed)
    logger.warn({ session, ...failed }, 'notify: delivery refused by the receiver (not retried)');
  if (report.pending.length > 0)
    logger.warn({ session, pending: report.pending.length }, 'notify: deliveries pending (retried at the next flush)');
}
