import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuffError } from './errors.js';
import { ioErrorOf } from './io-error.js';

function errnoError(code: string, path: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, path, syscall });
}

describe('ioErrorOf', () => {
  it('names a full disk NO_SPACE with the path', () => {
    const err = ioErrorOf(errnoError('ENOSPC', '/runs/x/decisions.arrow', 'write'));
    expect(err).toBeInstanceOf(BuffError);
    expect(err?.code).toBe('NO_SPACE');
    expect(err?.details.file).toBe('/runs/x/decisions.arrow');
    expect(err?.message).toContain('/runs/x/decisions.arrow');
  });

  it('names EIO, EACCES and a real EISDIR IO_ERROR', () => {
    expect(ioErrorOf(errnoError('EIO', '/d/f', 'read'))?.code).toBe('IO_ERROR');
    expect(ioErrorOf(errnoError('EACCES', '/d/f', 'open'))?.code).toBe('IO_ERROR');
    let real: unknown;
    try {
      writeFileSync('/tmp', 'x');
    } catch (err) {
      real = err;
    }
    expect(ioErrorOf(real)).toMatchObject({ code: 'IO_ERROR', details: { file: '/tmp', errno: 'EISDIR' } });
  });

  it('leaves other errors alone', () => {
    expect(ioErrorOf(new Error('boom'))).toBeUndefined();
    expect(ioErrorOf(errnoError('ENOENT', '/x', 'open'))).toBeUndefined();
    expect(ioErrorOf(new BuffError('GAP', 'gap'))).toBeUndefined();
  });
});
