import type { IncomingHttpHeaders } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** One POST the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { key?: string; event?: Record<string, unknown>; text?: string };
}

/** A webhook receiver on 127.0.0.1: every POST it got, and the distinct keys it accepted. */
export interface WebhookReceiver extends LoopbackServer {
  received: ReceivedWebhook[];
  /** Idempotency keys of accepted (2xx) deliveries, each once, in order: what a deduplicating receiver keeps. */
  acceptedKeys(): string[];
}

/**
 * Starts a webhook receiver that answers 200 unless `script()` queued other replies.
 * @example const hook = await startWebhookReceiver(); hook.script({ status: 503, body: {} });
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const accepted: string[] = [];
  const server = await startLoopbackServer(
    (req) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      if (!accepted.includes(key)) accepted.push(key);
      return { status: 200, body: { ok: true } };
    },
    (req, raw) => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as ReceivedWebhook['body'] });
    },
  );
  return { ...server, received, acceptedKeys: () => [...accepted] };
}
