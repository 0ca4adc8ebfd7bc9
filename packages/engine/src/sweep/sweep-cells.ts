import { BuffError, canonicalJson } from '@buff/core';
import { createPrng } from '@buff/ingest';
import type { SweepConfig } from './sweep-config.js';

/** One cell of a sweep: the value given to each swept key. */
export type CellParams = Record<string, string | number | boolean>;

/**
 * The cells of a sweep, in a fixed order: a grid's cartesian product (keys in the order written, the
 * last key varying fastest), or `samples` distinct draws of a seeded random search (keys sorted).
 * @example sweepCells({ grid: { 'strategy.params.fast': [5, 10] } }) // [{...: 5}, {...: 10}]
 */
export function sweepCells(config: Pick<SweepConfig, 'grid' | 'random'>): CellParams[] {
  if (config.grid) return cartesian(Object.entries(config.grid));
  const random = config.random;
  if (!random) return [];
  const prng = createPrng(`sweep:${random.seed}`);
  const keys = Object.keys(random.space).sort();
  const seen = new Set<string>();
  const cells: CellParams[] = [];
  // distinct draws; a space smaller than `samples` ends after a bounded number of tries
  for (let tries = 0; cells.length < random.samples && tries < random.samples * 20; tries++) {
    const cell: CellParams = {};
    for (const key of keys) {
      const space = random.space[key];
      if (space === undefined) continue;
      if (Array.isArray(space))
        cell[key] = space[Math.floor(prng.uniform() * space.length)] as string | number | boolean;
      else {
        const steps = Math.floor((space.max - space.min) / space.step + 1e-9);
        cell[key] = Number((space.min + Math.floor(prng.uniform() * (steps + 1)) * space.step).toPrecision(12));
      }
    }
    const id = canonicalJson(cell);
    if (!seen.has(id)) {
      seen.add(id);
      cells.push(cell);
    }
  }
  return cells;
}

function cartesian(axes: Array<[string, Array<string | number | boolean>]>): CellParams[] {
  let cells: CellParams[] = [{}];
  for (const [key, values] of axes) cells = cells.flatMap((cell) => values.map((value) => ({ ...cell, [key]: value })));
  return cells;
}

/**
 * A copy of `base` with each dotted key of `cell` set; a key whose parent is not an object is refused.
 * @example applyCell({ strategy: { params: {} } }, { 'strategy.params.fast': 5 })
 */
export function applyCell(base: Record<string, unknown>, cell: CellParams): Record<string, unknown> {
  const copy = structuredClone(base);
  for (const [key, value] of Object.entries(cell)) {
    const path = key.split('.');
    let node: Record<string, unknown> = copy;
    for (const part of path.slice(0, -1)) {
      const next = node[part] ?? {};
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new BuffError('INVALID_CONFIG', `sweep key ${key}: ${part} is not an object in the base config`, {
          details: { key, rule: 'DOTTED_KEY' },
        });
      }
      node[part] = next;
      node = next as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
  return copy;
}
