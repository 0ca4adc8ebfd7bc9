import type * as express from 'express';
import { BuffError, TIMEFRAMES, type Timeframe } from '@buff/core';
import {
  barsToCsv,
  barsToParquet,
  listDatasets,
  readBars,
  readDatasetManifest,
  readQualityReport,
  validateSymbol,
} from '@buff/ingest';
import type { ServerContext } from '../server-context.js';
import { renderDatasetPage, renderDatasetsPage } from './datasets-pages.js';

const DOWNLOAD = /^([0-9]+[mhdw])\.(csv|parquet)$/;

/** `1h.parquet` → its timeframe and format; NOT_FOUND for any other name. */
function parseDownload(file: string): { timeframe: Timeframe; format: 'csv' | 'parquet' } {
  const match = DOWNLOAD.exec(file);
  const timeframe = match?.[1] as Timeframe | undefined;
  if (match === null || timeframe === undefined || !(TIMEFRAMES as readonly string[]).includes(timeframe))
    throw new BuffError('NOT_FOUND', `no download ${file.slice(0, 60)}: use <timeframe>.csv or <timeframe>.parquet`, {
      details: { key: 'file', value: file.slice(0, 60) },
    });
  return { timeframe, format: match[2] === 'csv' ? 'csv' : 'parquet' };
}

/** /datasets, /datasets/:symbol and its downloads /datasets/:symbol/download/<timeframe>.(csv|parquet). */
export function mountDatasetPages(router: express.Router, ctx: ServerContext): void {
  router.get('/datasets', async (req, res) => {
    const datasets = await listDatasets(ctx.dataRoot);
    res.type('html').send(renderDatasetsPage({ base: req.baseUrl, dataRoot: ctx.dataRoot, datasets }));
  });

  router.get('/datasets/:symbol', async (req, res) => {
    const symbol = validateSymbol(req.params.symbol);
    const manifest = await readDatasetManifest(ctx.dataRoot, symbol);
    const quality = await readQualityReport(ctx.dataRoot, symbol);
    res.type('html').send(renderDatasetPage({ base: req.baseUrl, manifest, quality }));
  });

  // the same bytes `buff data export` writes (ingest's barsToCsv / barsToParquet), built from the verified table
  router.get('/datasets/:symbol/download/:file', async (req, res) => {
    const symbol = validateSymbol(req.params.symbol);
    const { timeframe, format } = parseDownload(req.params.file);
    const { bars, table } = await readBars(ctx.dataRoot, symbol, timeframe);
    const body = format === 'csv' ? Buffer.from(barsToCsv(bars), 'utf8') : Buffer.from(barsToParquet(bars));
    res.setHeader('Content-Disposition', `attachment; filename="${symbol}_${timeframe}.${format}"`);
    res.setHeader('ETag', `"${table.contentId}-${format}"`);
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet').send(body);
  });
}
