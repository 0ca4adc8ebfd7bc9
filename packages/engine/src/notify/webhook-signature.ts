import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `X-Buff-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * @example signWebhookBody('s3cret', body, 1700000000) // 't=1700000000,v1=5c0e…'
 */
export function signWebhookBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Checks a signature header as a receiver should: the MAC must match and `t` must be within
 * `toleranceSeconds` of `nowSeconds` (replay protection).
 * @example verifyWebhookSignature('s3cret', rawBody, req.headers['x-buff-signature'], Date.now() / 1000)
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, body, t).split('v1=')[1] as string, 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
}
