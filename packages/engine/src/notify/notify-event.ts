import { canonicalJson, sha256Hex } from '@buff/core';
import { z } from 'zod';

const IsoTime = z.iso.datetime({ offset: true });
const SessionId = z.string().min(1).max(200);

/** A signal the runtime emitted; only high-tier ones are sent unless configured otherwise. */
export const SignalEventSchema = z
  .object({
    kind: z.literal('signal'),
    tier: z.enum(['high', 'medium', 'low']),
    symbol: z.string().min(1).max(64),
    side: z.enum(['long', 'short', 'flat']),
    confidence: z.number().min(0).max(1),
    barTs: IsoTime,
    model: z.string().max(200).optional(),
    sessionId: SessionId.optional(),
  })
  .strict();

/** A guardrail (prop-firm rule) that blocked an entry or stopped a session. */
export const GuardrailBlockEventSchema = z
  .object({
    kind: z.literal('guardrail-block'),
    rule: z.string().min(1).max(100),
    reason: z.string().max(2000),
    at: IsoTime,
    symbol: z.string().min(1).max(64).optional(),
    sessionId: SessionId.optional(),
  })
  .strict();

/** The kill switch was turned on or off. */
export const KillSwitchEventSchema = z
  .object({
    kind: z.literal('kill-switch'),
    on: z.boolean(),
    actor: z.string().max(200),
    reason: z.string().max(2000),
    at: IsoTime,
  })
  .strict();

/** A dry-run session started, stopped or crashed. */
export const SessionEventSchema = z
  .object({
    kind: z.literal('session'),
    state: z.enum(['start', 'stop', 'crash']),
    sessionId: SessionId,
    at: IsoTime,
    reason: z.string().max(2000).optional(),
  })
  .strict();

/** The end-of-day figures of a session. */
export const DailySummaryEventSchema = z
  .object({
    kind: z.literal('daily-summary'),
    day: z.iso.date(),
    sessionId: SessionId,
    signals: z.number().int().nonnegative(),
    highTier: z.number().int().nonnegative(),
    blocked: z.number().int().nonnegative(),
    equity: z.number().finite().optional(),
  })
  .strict();

/** A message that only checks the path to the user (`buff notify test`). */
export const TestEventSchema = z.object({ kind: z.literal('test'), at: IsoTime, text: z.string().max(2000) }).strict();

/**
 * Every event a notifier can carry, told apart by `kind`.
 * @example NotifyEventSchema.parse({ kind: 'kill-switch', on: true, actor: 'ops', reason: 'feed down', at })
 */
export const NotifyEventSchema = z.discriminatedUnion('kind', [
  SignalEventSchema,
  GuardrailBlockEventSchema,
  KillSwitchEventSchema,
  SessionEventSchema,
  DailySummaryEventSchema,
  TestEventSchema,
]);
export type NotifyEvent = z.infer<typeof NotifyEventSchema>;
export type NotifyEventInput = z.input<typeof NotifyEventSchema>;
export type NotifyEventKind = NotifyEvent['kind'];

/**
 * An event with its idempotency key: what a notifier delivers and the outbox journals. `mayRepeat`
 * is set by the outbox when an earlier attempt's outcome is unknown (the process stopped while it
 * was sending, or the attempt ended in a timeout or another transient failure): the destination may already have it, and a destination without
 * idempotency keys (Telegram) shows the message marked as a possible repeat.
 */
export const NotificationSchema = z
  .object({
    key: z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/),
    event: NotifyEventSchema,
    mayRepeat: z.literal(true).optional(),
  })
  .strict();
export type Notification = z.infer<typeof NotificationSchema>;

/**
 * The idempotency key of an event: a hash of its canonical JSON, so the same event queued twice
 * (or again after a restart) has the same key and is delivered once.
 * @example idempotencyKey(event) // 'evt_3f1c…' (36 characters)
 */
export function idempotencyKey(event: NotifyEvent): string {
  return `evt_${sha256Hex(canonicalJson(event)).slice(0, 32)}`;
}
