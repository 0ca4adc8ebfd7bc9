import { basename } from 'node:path';
import type { QualityReport, Timeframe } from '@buff/core';
import { buildQualityReport, type QualityReportInput, type TableSpan } from './quality-report.js';
import type { RowRuleStream } from './row-stream.js';

/** What a streamed ingest knows of its source when the last row is read. */
export interface StreamedSource {
  /** The source file (the report names its base name only). */
  path: string;
  symbol: string;
  timeframe: Timeframe;
  allowGaps: boolean;
  kind: QualityReportInput['kind'];
  /** Number of source columns in the header or schema. */
  sourceColumns: number;
}

/**
 * The end of a streamed ingest (CSV or Arrow): the row rules finished (the spacing and gap rules
 * throw here), then the span of the rows checked and their quality report.
 * @example const { quality, span, gapCount } = finishStreamedRows(rows, { path, ...options, kind: 'csv', sourceColumns: 6 });
 */
export function finishStreamedRows(
  rows: RowRuleStream,
  source: StreamedSource,
): { quality: QualityReport; span: TableSpan; gapCount: number } {
  const { gaps } = rows.finish();
  const span = { rows: rows.rows, firstMs: rows.firstMs, lastMs: rows.lastMs };
  const quality = buildQualityReport({
    symbol: source.symbol,
    timeframe: source.timeframe,
    source: basename(source.path),
    span,
    gaps,
    gapsAllowed: source.allowGaps,
    kind: source.kind,
    sourceColumns: source.sourceColumns,
  });
  return { quality, span, gapCount: gaps.length };
}
