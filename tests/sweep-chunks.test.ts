import { describe, expect, it } from 'vitest';
import { cellChunks, sweepCells } from '@buff/engine';

// How `buff sweep --driver` cuts cells into jobs: grouped on the parameter with the most values, so
// that two workers taking jobs in turns share indicator series (each series is one fast or slow SMA).
describe('cellChunks: sweep-cell jobs whose cells share indicator series', () => {
  const grid = {
    'strategy.params.fast': Array.from({ length: 20 }, (_, i) => 2 + i),
    'strategy.params.slow': Array.from({ length: 50 }, (_, i) => 25 + 2 * i),
  };
  const cells = sweepCells({ grid }).map((params, cell) => ({ cell, params }));
  /** Distinct series (fast and slow periods) each of two workers taking the chunks in turns computes. */
  const seriesPerWorker = (chunks: Array<typeof cells>) =>
    [0, 1].map((w) => {
      const series = new Set<string>();
      chunks.forEach((chunk, j) => {
        if (j % 2 !== w) return;
        for (const { params } of chunk) {
          series.add(`sma:${params['strategy.params.fast']}`);
          series.add(`sma:${params['strategy.params.slow']}`);
        }
      });
      return series.size;
    });

  it('groups on the long axis, rounded to whole groups, the last two cut in quarters; every cell once', () => {
    const chunks = cellChunks(cells, 16);
    // two workers end at most a quarter of a job apart
    expect(chunks.map((c) => c.length)).toEqual([...Array(48).fill(20), ...Array(8).fill(5)]);
    for (const chunk of chunks) expect(new Set(chunk.map((c) => c.params['strategy.params.slow'])).size).toBe(1);
    expect(
      chunks
        .flat()
        .map((c) => c.cell)
        .sort((a, b) => a - b),
    ).toEqual(cells.map((c) => c.cell));
    // consecutive chunks of 16 in grid order: each worker computes nearly every series
    const consecutive = Array.from({ length: Math.ceil(cells.length / 16) }, (_, j) =>
      cells.slice(16 * j, 16 * j + 16),
    );
    expect(seriesPerWorker(consecutive)).toEqual([70, 70]);
    // 45 each, plus one: the quarters of the last two groups go to either worker
    expect(seriesPerWorker(chunks)).toEqual([46, 46]);
  });

  it('meets an exact --cells-per-job, and leaves cells without parameters in order', () => {
    expect(cellChunks(cells, 7, true).map((c) => c.length)).toEqual([...Array(142).fill(7), 6]);
    const plain = [0, 1, 2].map((cell) => ({ cell, params: {} }));
    expect(cellChunks(plain, 2).map((c) => c.map((x) => x.cell))).toEqual([[0, 1], [2]]);
  });
});
