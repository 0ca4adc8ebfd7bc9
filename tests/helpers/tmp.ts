import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp folder; remove it with `cleanup()`. */
export function makeTempDir(prefix = 'buff-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Folder of the real exchange candles vendored in the repo (see its README for provenance). */
export const REAL_DATA_DIR = new URL('../fixtures/real/', import.meta.url).pathname;
