/** Canonical bars as Arrow tables and IPC bytes. */
export { barsToTable, tableToBars, barsToIpc, ipcToBars } from './arrow/bars-table.js';
export { msToInt64, timestampsToMs, isMillisecondTimestamps } from './time/arrow-timestamps.js';
export { tableToIpcChunks } from './arrow/ipc-chunks.js';

/** Resampling to higher timeframes (UTC-epoch buckets, complete buckets only unless asked). */
export { resample } from './resample.js';
export type { ResampleOptions } from './resample.js';
export { Resampler } from './resample-stream.js';
export { storedContentId } from './arrow/bars-file-writer.js';

/** Seeded synthetic 1m bars with volatility regimes and an optional planted signal. */
export { SYNTHETIC_GENERATOR_VERSION, SYNTHETIC_PATTERNS, synthesizeBars } from './synthetic.js';
export type { SynthesizeOptions, SyntheticPattern } from './synthetic.js';
export { createPrng } from './prng.js';
export type { Prng } from './prng.js';

/** The dataset store on DATA_ROOT: Arrow tables and the quality report, named by dataset.json (the commit of a write). */
export { writeDataset } from './store/write-dataset.js';
export { resampleDataset } from './resample-dataset.js';
export type { WriteDatasetInput } from './store/write-dataset.js';
export { readBars, readBarsVerifiedLater, readDatasetManifest, readQualityReport } from './store/read-dataset.js';
export type { UnverifiedBars } from './store/read-dataset.js';
export { openTableBatches, readBarBatches } from './store/read-batches.js';
export type { BarBatch, BarsWindow, OpenedTable } from './store/read-batches.js';
export { listDatasets, findTableByContentId } from './store/list-datasets.js';
export { fetchDataset } from './fetch-dataset.js';
export type { FetchDatasetOptions } from './fetch-dataset.js';
export { validateSymbol, datasetDir, MANIFEST_FILE, QUALITY_FILE } from './store/dataset-paths.js';
export { datasetInventory, formatInventoryText, formatInventoryMarkdown } from './store/inventory.js';
export type { InventoryRow } from './store/inventory.js';

/** Data providers chosen by name: synthetic (default), csv, ccxt. */
export { getProvider, resolveProviderName } from './providers/get-provider.js';
export type { ProviderOptions } from './providers/get-provider.js';
export { PROVIDER_NAMES } from './providers/provider.js';
export type { DataProvider, ProviderName, FetchBarsRequest, ConnectionStatus } from './providers/provider.js';
export { createSyntheticProvider } from './providers/synthetic-provider.js';
export type { SyntheticProviderOptions } from './providers/synthetic-provider.js';
export { createCsvProvider } from './providers/csv-provider.js';
export type { CsvProviderOptions } from './providers/csv-provider.js';
export { createCcxtProvider, importCcxt } from './providers/ccxt-provider.js';
export type { CcxtProviderOptions, CcxtExchangeLike } from './providers/ccxt-provider.js';
export { ohlcvRowsToBars } from './providers/ohlcv-rows.js';

/** Export for pandas, polars and DuckDB users: CSV and Parquet. */
export { exportDataset, barsToCsv, barsToParquet, EXPORT_FORMATS } from './export.js';
export type { ExportFormat, ExportOptions, ExportResult } from './export.js';

/** Strict CSV and Arrow/feather ingest (every DESIGN.md ingest rule, fail-closed) and its quality report. */
export { parseCsv } from './csv/parse-csv.js';
export type { ParsedCsv } from './csv/parse-csv.js';
export { ingestCsv } from './ingest-csv.js';
export type { IngestCsvOptions } from './ingest-csv.js';
export { ingestArrow, registerArrowCodecs } from './arrow/arrow-import.js';
export type { IngestArrowOptions } from './arrow/arrow-import.js';
export type { IngestResult, IngestTargets } from './store/store-ingest.js';
export { buildQualityReport, formatQualitySummary } from './rules/quality-report.js';
export { spanOf } from './rules/quality-report.js';
export type { QualityReportInput, TableSpan } from './rules/quality-report.js';
export { parseIngestOptions } from './rules/parse-options.js';
