import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BuffError, silentLogger, type Logger } from '@buff/core';

/** The TensorFlow.js backends Buff can train on, best first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What was chosen and why, as recorded in the model card. */
export interface BackendChoice {
  name: BackendName;
  /** Backends tried before this one and why each was skipped. */
  skipped: Array<{ name: BackendName; reason: string }>;
  /**
   * Set when a backend that should have worked failed and a slower one was taken (the optional
   * tfjs-node not being installed is no fallback). Callers print it as a warning.
   */
  fallback?: { from: BackendName; to: BackendName; reason: string };
}

export interface BackendOptions {
  /** Force one backend (e.g. 'cpu' in a test); otherwise the best available is taken. */
  prefer?: BackendName;
  /** With `prefer`: when it fails, go on down the usual order (a loud fallback) instead of throwing. */
  fallback?: boolean;
  logger?: Logger;
}

const BEST_FIRST: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let current: Promise<BackendChoice> | undefined;
let currentKey: string | undefined;
let active: BackendChoice | undefined;

/**
 * Selects the TensorFlow.js backend once per process: `@tensorflow/tfjs-node` when it is
 * installed (an optional peer: its install needs a native download), else the WASM backend
 * (wasm files loaded from node_modules), else the pure-JS CPU backend. The choice is logged
 * and returned for the model card.
 * @example
 * const backend = await selectBackend(); // { name: 'wasm', skipped: [{ name: 'tensorflow', ... }] }
 */
export function selectBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const key = `${options.prefer ?? ''}:${options.fallback === true}`;
  if (current !== undefined && currentKey === key) return current;
  currentKey = key;
  current = chooseBackend(options).then(
    (choice) => {
      active = choice;
      return choice;
    },
    (err: unknown) => {
      current = undefined;
      throw err;
    },
  );
  return current;
}

/**
 * The backend this process selected last (undefined before any selectBackend), for summaries.
 * @example activeBackend()?.name // 'wasm'
 */
export function activeBackend(): BackendChoice | undefined {
  return active;
}

function orderOf(options: BackendOptions): BackendName[] {
  if (!options.prefer) return BEST_FIRST;
  if (!options.fallback) return [options.prefer];
  return [options.prefer, ...BEST_FIRST.filter((n) => n !== options.prefer && n !== 'tensorflow')];
}

async function chooseBackend(options: BackendOptions): Promise<BackendChoice> {
  const logger = options.logger ?? silentLogger();
  const skipped: Array<BackendChoice['skipped'][number] & { missing: boolean }> = [];
  for (const name of orderOf(options)) {
    try {
      await activate(name);
      const failed = skipped.find((s) => !s.missing);
      const choice: BackendChoice = {
        name,
        skipped: skipped.map(({ name: n, reason }) => ({ name: n, reason })),
        ...(failed ? { fallback: { from: failed.name, to: name, reason: failed.reason } } : {}),
      };
      if (choice.fallback)
        logger.warn(
          { backend: name, fallback: choice.fallback, skipped: choice.skipped },
          `tfjs backend: fell back from ${failed?.name} to ${name}`,
        );
      else logger.info({ backend: name, skipped: choice.skipped }, `tfjs backend: ${name}`);
      return choice;
    } catch (err) {
      const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      // the optional tfjs-node not installed is the usual case, unless it was asked for by name
      skipped.push({ name, reason, missing: name === 'tensorflow' && name !== options.prefer && isNotInstalled(err) });
    }
  }
  throw new BuffError(
    'DEPENDENCY_MISSING',
    `no TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`,
    {
      details: { rule: 'BACKEND', skipped },
    },
  );
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // A variable specifier keeps bundlers and tsc from requiring the optional peer.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
    wasm.setWasmPaths(dist);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

/** The optional tfjs-node is simply not installed (the usual case), as opposed to failing to load. */
function isNotInstalled(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // Node's loader sets a code; a bundler's or test runner's resolver (vite) says so in words
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find|Could not resolve/.test(String(err));
  return notFound && String(err).includes('@tensorflow/tfjs-node');
}

/** The tfjs version string recorded in model cards. */
export function tfjsVersion(): string {
  return tf.version.tfjs;
}
