import { describe, expect, it } from 'vitest';
import { BuffError, ErrorCode } from '@buff/core';
import { ERROR_STATUS, errorResponse } from './error-status.js';

describe('ERROR_STATUS', () => {
  it('has a 4xx/5xx status for every error code', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(ERROR_STATUS[code], code).toBeGreaterThanOrEqual(400);
      expect(ERROR_STATUS[code], code).toBeLessThan(600);
    }
  });

  it('maps BuffErrors by code and hides the message of anything else', () => {
    expect(errorResponse(new BuffError('KILL_SWITCH_ON', 'off'))).toEqual({
      status: 503,
      body: { code: 'KILL_SWITCH_ON', message: 'off', details: {} },
    });
    expect(errorResponse(new BuffError('FEATURE_DISABLED', 'x')).status).toBe(404);
    expect(errorResponse(new Error('secret path /etc'))).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'internal error', details: {} },
    });
  });

  it('answers a filesystem refusal with its code and no path', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
      path: '/srv/runs/.staging/x',
    });
    expect(errorResponse(full)).toEqual({
      status: 507,
      body: { code: 'NO_SPACE', message: 'no space left on the server', details: {} },
    });
  });
});
