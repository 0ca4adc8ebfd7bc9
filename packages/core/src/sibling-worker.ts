import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `<name>.js` that sits next to the calling module (`here`, its
 * import.meta.url): the built file in dist, or, when the caller runs from TypeScript sources
 * (vitest, tsx), `<name>.ts` through a plain-JS bootstrap that registers tsx first.
 * @example const worker = startSiblingWorker(import.meta.url, 'parse-worker');
 */
export function startSiblingWorker(here: string, name: string): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}${here.endsWith('.cjs') ? '.cjs' : '.js'}`, here));
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/package.json')).href.replace(
    /package\.json$/,
    'dist/esm/api/index.mjs',
  );
  const entry = new URL(`./${name}.ts`, here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}
