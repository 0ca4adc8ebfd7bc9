import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonPretty } from './canonical-json.js';
import { contentId, sha256Hex } from './content-id.js';
import { isBuffError } from './errors.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal strings for equal values built in different key orders', () => {
    expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
  });

  it('refuses non-finite numbers and names where they are', () => {
    try {
      canonicalJson({ a: [1, Number.NaN] });
      expect.unreachable();
    } catch (err) {
      expect(isBuffError(err, 'INVALID_INPUT')).toBe(true);
      expect((err as Error).message).toContain('$.a[1]');
    }
  });

  it('pretty form parses back to the same canonical value', () => {
    const value = { b: [1, 'two'], a: null };
    expect(canonicalJson(JSON.parse(canonicalJsonPretty(value)))).toBe(canonicalJson(value));
    expect(canonicalJsonPretty(value).endsWith('\n')).toBe(true);
  });
});

describe('content ids', () => {
  it('sha256Hex matches the known digest of "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('contentId depends on content, not key order', () => {
    expect(contentId({ a: 1, b: 2 })).toBe(contentId({ b: 2, a: 1 }));
    expect(contentId({ a: 1, b: 2 })).not.toBe(contentId({ a: 1, b: 3 }));
  });
});
