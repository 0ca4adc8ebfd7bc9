import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '@buff/registry';
import { auditText, rollbackTargets } from './models-pages.js';

let seq = 0;
const entry = (action: string, details: Record<string, unknown>): AuditEntry => ({
  seq: ++seq,
  at: '2026-01-01T00:00:00.000Z',
  collection: 'models',
  id: 'sig',
  action,
  actor: 'test',
  details,
});

describe('rollbackTargets', () => {
  it('replays promotions and rollbacks the way the registry stacks previous versions', () => {
    const log = [
      entry('register', { version: 1, passed: true }),
      entry('promote', { alias: 'champion', from: null, to: 1 }),
      entry('promote', { alias: 'champion', from: 1, to: 2 }),
      entry('promote', { alias: 'champion', from: 2, to: 2 }), // the same version again: nothing stacked
      entry('promote', { alias: 'candidate', from: null, to: 3 }),
      entry('promote', { alias: 'champion', from: 2, to: 3 }),
    ];
    expect(rollbackTargets(log)).toEqual({ champion: 2 });
    log.push(entry('rollback', { alias: 'champion', from: 3, to: 2 }));
    expect(rollbackTargets(log)).toEqual({ champion: 1 });
    log.push(entry('rollback', { alias: 'champion', from: 2, to: 1 }));
    expect(rollbackTargets(log)).toEqual({});
  });

  it('says what an entry did in a few words', () => {
    expect(auditText(entry('rollback', { alias: 'champion', from: 2, to: 1, reason: 'drift' }))).toBe(
      'champion v2 → v1: drift',
    );
    expect(auditText(entry('register', { version: 3, passed: false }))).toBe('v3 registered (evaluation false)');
  });
});
