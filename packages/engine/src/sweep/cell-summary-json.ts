import { BuffError } from '@buff/core';
import type { SegmentStats } from './segment-stats.js';
import type { CellSummary } from './sweep-cell-metrics.js';

/** A number as JSON carries it: non-finite values (a ruined cell's NaN) as their names. */
type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';
/** A segment as a job result carries it: [n, mean, m2, growth]. */
type EncodedSegment = [number, JsonNumber, JsonNumber, JsonNumber];

/** One cell's summary as plain JSON (a sweep-cell job's result), exact: doubles survive JSON unchanged. */
export interface EncodedCellSummary {
  segments: EncodedSegment[];
  blocks: EncodedSegment[];
}

const NON_FINITE = new Set<unknown>(['NaN', 'Infinity', '-Infinity']);
const toJson = (value: number): JsonNumber => (Number.isFinite(value) ? value : (String(value) as JsonNumber));
const encodeSegment = (s: SegmentStats): EncodedSegment => [s.n, toJson(s.mean), toJson(s.m2), toJson(s.growth)];

/**
 * A cell summary as plain JSON: what a worker sends back instead of the cell's equity curve (a few
 * hundred bytes instead of ~20 bytes per bar).
 * @example const json = encodeCellSummary(summarizeCell(returns, edges, 8));
 */
export function encodeCellSummary(summary: CellSummary): EncodedCellSummary {
  return { segments: summary.segments.map(encodeSegment), blocks: summary.blocks.map(encodeSegment) };
}

/**
 * The summary {@link encodeCellSummary} encoded; refuses anything else (`where` names the job).
 * @example const summary = decodeCellSummary(job.result[0], `job ${job.id}`);
 */
export function decodeCellSummary(value: unknown, where: string): CellSummary {
  const summary = value as EncodedCellSummary;
  if (typeof value !== 'object' || value === null || !Array.isArray(summary.segments) || !Array.isArray(summary.blocks))
    throw malformed(where);
  const decode = (segment: unknown): SegmentStats => {
    if (!Array.isArray(segment) || segment.length !== 4) throw malformed(where);
    const [n, mean, m2, growth] = segment.map((v) => (NON_FINITE.has(v) ? Number(v) : v)) as number[];
    if (![n, mean, m2, growth].every((v) => typeof v === 'number')) throw malformed(where);
    return { n: n as number, mean: mean as number, m2: m2 as number, growth: growth as number };
  };
  return { segments: summary.segments.map(decode), blocks: summary.blocks.map(decode) };
}

function malformed(where: string): BuffError {
  return new BuffError('CORRUPT_ARTIFACT', `${where}: a sweep cell result is not a cell summary`, {
    details: { key: 'result', rule: 'CELL_SUMMARY' },
  });
}
