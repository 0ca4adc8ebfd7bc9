import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles tests/helpers/<child>.ts (default registry-child; and the registry sources) into one plain .cjs file. */
export async function buildRegistryChild(child = 'registry-child'): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'buff-child-')), `${child}.cjs`);
  await build({
    entryPoints: [fileURLToPath(new URL(`./${child}.ts`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    conditions: ['source'],
    external: ['pg-native'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** A running child: its stdout lines so far, and its exit. */
export interface ChildHandle {
  lines: string[];
  kill(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once a line equal to `text` (or one that `text` accepts) has been printed, or the child exited. */
  waitFor(text: string | ((line: string) => boolean)): Promise<void>;
}

export function startChild(bundle: string, args: string[]): ChildHandle {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ accepts: (line: string) => boolean; resolve: () => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.accepts(line))) waiter.resolve();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const waiter of waiters) waiter.resolve();
      resolve({ code, signal, stderr });
    }),
  );
  return {
    lines,
    exited,
    kill: () => child.kill('SIGKILL'),
    waitFor: (text) => {
      const accepts = typeof text === 'string' ? (line: string) => line === text : text;
      if (lines.some(accepts)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ accepts, resolve }));
    },
  };
}

/** A small seeded PRNG (mulberry32): the kill schedule is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
