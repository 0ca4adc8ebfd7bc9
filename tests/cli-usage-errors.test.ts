import { describe, expect, it } from 'vitest';
import { runBuff } from './helpers/cli.js';

describe('command line mistakes are usage errors (exit 2), never "unexpected error"', () => {
  it('a failed check() of buff train (neither --symbol nor --symbols) exits 2 naming the rule', async () => {
    const result = await runBuff(['train', '--model', 'lstm', '--data-root', 'nowhere', '--models-root', 'nowhere']);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.stderr).toContain('give --symbol or --symbols');
    expect(result.code).toBe(2);
  });

  it('an unknown flag is still a usage error, and a handler failure is not turned into one', async () => {
    expect((await runBuff(['runs', 'list', '--no-such-flag'])).code).toBe(2);
    const missing = await runBuff(['runs', 'list', '--runs-root', '/nonexistent/buff-runs']);
    expect(missing.code).toBe(3);
  });
});
