/** Run registry: open it, publish runs through it (it is core's RunStore), list and tag them. */
export { openRunRegistry, checkRunId } from './run-registry.js';
export type { RunRegistry, RunRegistryOptions } from './run-registry.js';
export { addRunTags } from './add-run-tags.js';
export { parseRunMetricFilter } from './run-metric-filter.js';
export {
  RunRecordSchema,
  RunListQuerySchema,
  RunStatusSchema,
  HeadlineMetricsSchema,
  TagSchema,
  RUN_SORT_FIELDS,
  RUN_METRIC_FIELDS,
  RunMetricConditionSchema,
} from './run-record.js';
export type {
  RunRecord,
  RunListQuery,
  RunListQueryInput,
  RunMetricCondition,
  RunStatus,
  HeadlineMetrics,
} from './run-record.js';

/** Run folders: read one into its record, scan RUNS_ROOT, rebuild the index from the folders. */
export { readRunFolder, scanRunFolders, listRunFolderNames } from './run-folder.js';
export type { FolderScan, FolderCheck } from './run-folder.js';
export { rebuildIndex } from './rebuild-index.js';
export type { RebuildReport } from './rebuild-index.js';

/** Legacy Phase-1 runs (`artifacts/<name>/`): read-only listing and migration into RUNS_ROOT. */
export { scanLegacyRuns, migrateLegacyRuns, legacyRunId } from './legacy-runs.js';
export type { LegacyRun, MigrationReport } from './legacy-runs.js';
export { LegacyManifestSchema } from './legacy-manifest.js';
export type { LegacyManifest } from './legacy-manifest.js';

/** Model registry: versions, aliases, evaluations, promotions that must be earned, audit log. */
export { openModelRegistry } from './model-registry.js';
export type { ModelRegistry, ModelRegistryOptions } from './model-registry.js';
export { checkChampionComparison, readPromotableFolder, registryNameOf } from './promotion-policy.js';
export type { FolderPromotion, PromotableFolder, PromoteFolderOptions } from './promotion-policy.js';
export { ModelAliasSchema, ModelEvaluationSchema, ModelVersionSchema, ModelNameSchema } from './model-schemas.js';
export type { ModelAlias, ModelEvaluation, ModelVersion } from './model-schemas.js';

/** Storage drivers: the interface, the fs and postgres implementations, and the shared query semantics. */
export { openDriver } from './open-driver.js';
export type { DriverChoice } from './open-driver.js';
export { openFsDriver } from './fs-driver.js';
export type { FsDriverOptions } from './fs-driver.js';
export { openPgDriver } from './pg-driver.js';
export type { PgDriverOptions } from './pg-driver.js';
export { MIGRATIONS } from './pg-migrations.js';
export { FilterSchema, ListQuerySchema, AuditEntrySchema } from './storage-driver.js';
export type {
  StorageDriver,
  JsonRecord,
  Filter,
  ListQuery,
  ListQueryInput,
  AuditEntry,
  AuditInput,
  DriverProblem,
} from './storage-driver.js';

/** The kill switch every entry point honours: state under RUNS_ROOT/.buff, fail-closed reads, audited changes. */
export { openKillSwitch, setKillSwitch, assertKillSwitchOff, readKillSwitchAudit } from './kill-switch.js';
export type { FsKillSwitch, KillSwitchChange, KillSwitchChangeInput } from './kill-switch.js';
export {
  readKillSwitch,
  readKillSwitchSync,
  killSwitchPaths,
  KillSwitchStateSchema,
  KillSwitchAuditEntrySchema,
  KillSwitchSourceSchema,
} from './kill-switch-state.js';
export type { KillSwitchState, KillSwitchStatus, KillSwitchAuditEntry, KillSwitchSource } from './kill-switch-state.js';

/** The one-writer lock file (also usable for other roots). */
export { acquireLock, isStale } from './file-lock.js';
export type { HeldLock, LockOwner, FileLockOptions } from './file-lock.js';

// Test support (small valid run folders) is a subpath of its own: '@buff/registry/testing'.

/** Durable jobs: the JobQueue interface, the journal driver (RUNS_ROOT/.buff/jobs) and the pg-boss driver. */
export { openJobQueue } from './jobs/open-job-queue.js';
export type { JobQueueChoice } from './jobs/open-job-queue.js';
export { openFsJobQueue } from './jobs/fs-job-queue.js';
export type { FsJobQueueOptions } from './jobs/fs-job-queue.js';
export { openPgJobQueue } from './jobs/pg-job-queue.js';
export type { PgJobQueueOptions } from './jobs/pg-job-queue.js';
export type { JobQueue, JobListQuery, JobTiming } from './jobs/job-queue.js';
export {
  JobSchema,
  JobInputSchema,
  JobKindSchema,
  JobStatusSchema,
  JobProgressSchema,
  JsonValueSchema,
} from './jobs/job-schemas.js';
export type { Job, JobInput, JobKind, JobStatus, JobProgress, JsonValue, ClaimedJob } from './jobs/job-schemas.js';
export { startJobWorker, reasonOf } from './jobs/job-worker.js';
export type { JobHandler, JobRunContext, JobWorker, JobWorkerOptions } from './jobs/job-worker.js';
