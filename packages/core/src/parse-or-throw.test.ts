import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BuffError } from './errors.js';
import { parseOrThrow } from './parse-or-throw.js';

const Schema = z.object({ window: z.object({ since: z.string(), bars: z.number().int() }).strict() }).strict();

function thrown(run: () => unknown): BuffError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(BuffError);
    return err as BuffError;
  }
  throw new Error('expected a BuffError');
}

describe('parseOrThrow', () => {
  it('returns the parsed value', () => {
    expect(parseOrThrow(Schema, { window: { since: 'a', bars: 3 } }, 'INVALID_CONFIG', 'x.yml')).toEqual({
      window: { since: 'a', bars: 3 },
    });
  });

  it('names the source, the key, the rule and the bad value, with every issue in details', () => {
    const err = thrown(() =>
      parseOrThrow(Schema, { window: { since: 'a', bars: 1.5 } }, 'INVALID_CONFIG', { what: 'x.yml', file: 'x.yml' }),
    );
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(/^x\.yml: window\.bars: /);
    expect(err.details).toMatchObject({ file: 'x.yml', key: 'window.bars', rule: 'invalid_type', value: '1.5' });
    expect(err.details.issues).toHaveLength(1);
  });

  it('reports an unknown key by its full path, under a prefix, with the rule given', () => {
    const err = thrown(() =>
      parseOrThrow(Schema, { window: { since: 'a', bars: 1, untill: 'b' } }, 'INVALID_INPUT', {
        what: 'strategy x',
        path: ['strategy', 'params'],
        rule: 'PARAMS',
      }),
    );
    expect(err.message).toBe('strategy x: unknown key "strategy.params.window.untill"');
    expect(err.details).toMatchObject({ key: 'strategy.params.window.untill', rule: 'PARAMS' });
    expect(err.details.value).toBeUndefined();
  });

  it('names a bad plain value itself', () => {
    const err = thrown(() => parseOrThrow(z.string().regex(/^[A-Z]+$/), '../x', 'INVALID_ID', 'symbol'));
    expect(err.message).toMatch(/^symbol "\.\.\/x": /);
    expect(err.details).toMatchObject({ key: '', value: '../x', rule: 'invalid_format' });
  });
});
