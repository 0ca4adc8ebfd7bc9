import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * sha256 of bytes or a UTF-8 string, as lowercase hex.
 * @example sha256Hex('abc') // 'ba7816bf...'
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Content id of a JSON value: sha256 over its canonical JSON.
 * @example contentId({ a: 1 }) === contentId({ a: 1 }) // true
 */
export function contentId(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
