import { QualityReportSchema, timeframeMs, type Bars, type QualityReport, type Timeframe } from '@buff/core';
import { isoUtc } from '../time/civil-time.js';
import { missingBars, type GapRange } from './gaps.js';

/** How many rows a table has and the ms of its first and last (undefined when it has none). */
export interface TableSpan {
  rows: number;
  firstMs: number | undefined;
  lastMs: number | undefined;
}

/**
 * The span of bars held whole.
 * @example buildQualityReport({ ...input, span: spanOf(bars) });
 */
export function spanOf(bars: Bars): TableSpan {
  const rows = bars.ts.length;
  return { rows, firstMs: rows > 0 ? bars.ts[0] : undefined, lastMs: rows > 0 ? bars.ts[rows - 1] : undefined };
}

export interface QualityReportInput {
  symbol: string;
  timeframe: Timeframe;
  /** The source file's name (no folders: reports stay the same wherever the file was). */
  source: string;
  /** The rows and their first and last timestamps (a streamed table is not at hand whole: see {@link spanOf}). */
  span: TableSpan;
  gaps: GapRange[];
  gapsAllowed: boolean;
  /** `csv` checks line-level rules (truncation, field counts) that an Arrow file cannot break. */
  kind: 'csv' | 'arrow';
  /** Number of source columns in the header or schema. */
  sourceColumns: number;
}

/**
 * The quality report of an ingest that passed: rows, span, expected rows, gaps with ranges,
 * and per rule how many items it checked. Only GAP can have violations in a passed ingest
 * (gaps allowed); every other violation fails the ingest instead.
 * @example const report = buildQualityReport({ symbol: 'BTC-USD', timeframe: '1m', source: 'btc.csv', span: spanOf(bars), gaps, gapsAllowed: true, kind: 'csv', sourceColumns: 6 });
 */
export function buildQualityReport(input: QualityReportInput): QualityReport {
  const { gaps } = input;
  const { rows, firstMs: first, lastMs: last } = input.span;
  const expectedRows =
    first === undefined || last === undefined ? 0 : (last - first) / timeframeMs(input.timeframe) + 1;
  const steps = Math.max(rows - 1, 0);
  const checked = (count: number, violations = 0): { checked: number; violations: number } => ({
    checked: count,
    violations,
  });
  const rules: QualityReport['rules'] = {
    EMPTY_FILE: checked(1),
    MISSING_COLUMN: checked(6),
    UNKNOWN_COLUMN: checked(input.sourceColumns),
    ...(input.kind === 'csv' ? { BAD_ROW: checked(rows), TRUNCATED_LINE: checked(1) } : {}),
    BAD_NUMBER: checked(rows * 5),
    NON_FINITE_NUMBER: checked(rows * 5),
    BAD_TIMESTAMP: checked(rows),
    TIMESTAMP_NO_ZONE: checked(rows),
    MIXED_TIMESTAMP_FORMATS: checked(rows),
    UNORDERED_TIMESTAMP: checked(steps),
    DUPLICATE_TIMESTAMP: checked(steps),
    WRONG_SPACING: checked(rows),
    HIGH_BELOW_OPEN_CLOSE: checked(rows),
    LOW_ABOVE_OPEN_CLOSE: checked(rows),
    NEGATIVE_VOLUME: checked(rows),
    GAP: checked(steps, gaps.length),
  };
  return QualityReportSchema.parse({
    symbol: input.symbol,
    timeframe: input.timeframe,
    source: input.source,
    rows,
    first: first === undefined ? null : isoUtc(first),
    last: last === undefined ? null : isoUtc(last),
    expectedRows,
    gapCount: gaps.length,
    missingBars: missingBars(gaps),
    gaps: gaps.map((gap) => ({ from: isoUtc(gap.fromMs), to: isoUtc(gap.toMs), missing: gap.missing })),
    gapsAllowed: input.gapsAllowed,
    rules,
  });
}

/**
 * A short human summary of a report, as the CLI prints it.
 * @example formatQualitySummary(report, 3) // ['rows 2469, 2019-10-11T00:00:00.000Z -> ...', ...]
 */
export function formatQualitySummary(report: QualityReport, maxGaps = 5): string[] {
  const lines = [
    `rows ${report.rows} (${report.timeframe}), ${report.first ?? '-'} -> ${report.last ?? '-'}`,
    `expected ${report.expectedRows} rows; gaps ${report.gapCount} (${report.missingBars} missing bars)${report.gapCount > 0 ? (report.gapsAllowed ? ', allowed' : '') : ''}`,
  ];
  for (const gap of report.gaps.slice(0, maxGaps))
    lines.push(`  gap ${gap.from} .. ${gap.to} (${gap.missing} missing)`);
  if (report.gaps.length > maxGaps) lines.push(`  ... ${report.gaps.length - maxGaps} more gaps in the quality report`);
  const checks = Object.entries(report.rules).map(([rule, count]) => `${rule} ${count.checked}`);
  lines.push(`rules checked: ${checks.join(', ')}`);
  return lines;
}
