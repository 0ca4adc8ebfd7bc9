import { describe, expect, it } from 'vitest';
import { runBuff } from './helpers/cli.js';

describe('buff command basics', () => {
  it('prints help and exits 0', async () => {
    const result = await runBuff(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('buff');
  });

  it('exits 2 on an unknown command', async () => {
    const result = await runBuff(['no-such-command']);
    expect(result.code).toBe(2);
  });
});
