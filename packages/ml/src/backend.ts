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
}

export interface BackendOptions {
  /** Force one backend (e.g. 'cpu' in a test); otherwise the best available is taken. */
  prefer?: BackendName;
  logger?: Logger;
}

let current: Promise<BackendChoice> | undefined;
let currentPrefer: BackendName | undefined;

/**
 * Selects the TensorFlow.js backend once per process: `@tensorflow/tfjs-node` when it is
 * installed (an optional peer: its install needs a native download), else the WASM backend
 * (wasm files loaded from node_modules), else the pure-JS CPU backend. The choice is logged
 * and returned for the model card.
 * @example
 * const backend = await selectBackend(); // { name: 'wasm', skipped: [{ name: 'tensorflow', ... }] }
 */
export function selectBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  if (current !== undefined && currentPrefer === options.prefer) return current;
  currentPrefer = options.prefer;
  current = chooseBackend(options).catch((err: unknown) => {
    current = undefined;
    throw err;
  });
  return current;
}

async function chooseBackend(options: BackendOptions): Promise<BackendChoice> {
  const logger = options.logger ?? silentLogger();
  const order: BackendName[] = options.prefer ? [options.prefer] : ['tensorflow', 'wasm', 'cpu'];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    try {
      await activate(name);
      logger.info({ backend: name, skipped }, `tfjs backend: ${name}`);
      return { name, skipped };
    } catch (err) {
      skipped.push({ name, reason: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) });
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

/** The tfjs version string recorded in model cards. */
export function tfjsVersion(): string {
  return tf.version.tfjs;
}
