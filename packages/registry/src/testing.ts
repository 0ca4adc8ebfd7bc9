/**
 * Test support, kept out of the main entry: small valid run folders and promotable model folders
 * for tests and benchmarks.
 * Import it from the `testing` subpath of @buff/registry.
 * @example
 * const id = fakeRunId(1);
 * writeFakeRun(await registry.createStaging(id), id, { strategy: 'sma-cross' });
 */
export { writeFakeRun, fakeRunId } from './fake-run.js';
export type { FakeRunOptions } from './fake-run.js';
export { fakeModelCard, fakeEvaluation, writePromotableFolder } from './fake-model.js';
export type { ComparedChampion } from './fake-model.js';
