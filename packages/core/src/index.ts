/** Errors: one class, codes in a const map. */
export { BuffError, ErrorCode, isBuffError } from './errors.js';
export { ioErrorOf, withErrorPath } from './io-error.js';
export type { BuffErrorOptions, ErrorLocation } from './errors.js';
export { parseOrThrow, zodError } from './parse-or-throw.js';
export type { ParseSource } from './parse-or-throw.js';

/** Canonical JSON and content ids (off-thread hashing and shared memory: `@buff/core/io`). */
export { canonicalJson, canonicalJsonPretty } from './canonical-json.js';
export { sha256Hex, contentId } from './content-id.js';
export { writeArtifactFile, fileIdentity, sameFile } from './artifact-file.js';
export type { FileIdentity, WrittenArtifact } from './artifact-file.js';

/** The kill switch every entry point honours (implemented by @buff/registry's openKillSwitch). */
export type { KillSwitch } from './kill-switch.js';

/** Timeframes. */
export { TIMEFRAMES, TimeframeSchema, parseTimeframe, timeframeMs } from './timeframe.js';
export type { Timeframe } from './timeframe.js';

/** Canonical bars as typed-array columns. */
export { BAR_COLUMNS, VALUE_COLUMNS, allocateBars, barCount, firstIndexAtOrAfter, sliceBars } from './bars.js';
/** The gap rule's one home (also `@buff/core/gap-rule`, which imports nothing). */
export { countGaps, gapBetween, isGap, missingBars, type GapRange } from './gap-rule.js';
export type { Bars, BarColumn, ValueColumn } from './bars.js';

/** Schemas (types derived with z.infer). */
export { IngestOptionsSchema, SymbolSchema, TimestampFormatSchema } from './schemas/ingest-options.js';
export type { IngestOptions, IngestOptionsInput, MarketSymbol, TimestampFormat } from './schemas/ingest-options.js';
export { QualityReportSchema, GapSchema } from './schemas/quality-report.js';
export type { QualityReport, Gap } from './schemas/quality-report.js';
export {
  DatasetManifestSchema,
  DatasetTableSchema,
  StoredQualitySchema,
  StoredTableSchema,
  Sha256Schema,
} from './schemas/dataset-manifest.js';
export type { DatasetManifest, DatasetTable, StoredTable } from './schemas/dataset-manifest.js';
export { RunManifestSchema, RunIdSchema, ArtifactEntrySchema, RunInputSchema } from './schemas/run-manifest.js';
export type { RunManifest, RunId, ArtifactEntry, RunInput } from './schemas/run-manifest.js';
export { TagSchema } from './schemas/run-tag.js';
export type { RunTag } from './schemas/run-tag.js';

/** A model folder's records: the model card and the evaluation record (written by ml, read by the registry's promotion policy). */
export {
  BaselinesSchema,
  CalibrationSchema,
  ChampionBaselineSchema,
  ConfusionSchema,
  EvaluationMetricsSchema,
  EvaluationRecordSchema,
  GatesSchema,
  SignificanceSchema,
  parseEvaluationRecord,
} from './schemas/evaluation-record.js';
export type {
  Baselines,
  Calibration,
  ChampionBaseline,
  Confusion,
  EvaluationMetrics,
  EvaluationRecord,
  EvaluationRecordInput,
  Gates,
  Significance,
} from './schemas/evaluation-record.js';
export { EVALUATION_FILE, readEvaluationRecord } from './evaluation-file.js';
export { MODEL_CARD_FILE, ModelCardSchema, ModelDatasetSchema, modelIdOf, readModelCard } from './model-card.js';
export type { ModelCard } from './model-card.js';

/** Where runs go: implemented by the registry, used by the builder. */
export type { RunStore } from './run-store.js';

/** Durable files. */
export { writeFileAtomic, writeFileAtomicWith, tempPathFor, fsyncDir, sweepStaleTemps } from './atomic-file.js';
export type { AtomicWrite } from './atomic-file.js';
export { encodeLine, decodeLines, appendLinesDurably, readJournalForAppend } from './journal-lines.js';
export type { DecodedJournal } from './journal-lines.js';
export { publishFolder, syncTree, syncPath } from './publish-folder.js';
export type { PublishFolderOptions } from './publish-folder.js';

/** Structured JSON logging (pino). */
export { createLogger, silentLogger } from './logger.js';
export { packageInfo } from './package-info.js';
export type { PackageInfo } from './package-info.js';
export type { Logger, LoggerOptions } from './logger.js';
