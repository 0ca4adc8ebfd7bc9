/** Run configs: strict zod schema (YAML or JSON), guardrail presets. */
export { RunConfigSchema, parseRunConfig, parseRunConfigWithTags, allocationWeights } from './run-config.js';
export type { RunConfig, RunConfigInput } from './run-config.js';
export { GuardrailsConfigSchema, GUARDRAIL_PRESETS, ResolvedGuardrailsSchema } from './guardrails-config.js';
export type { ResolvedGuardrails } from './guardrails-config.js';

/** Strategy packs: registration, lookup, and the bar window that makes look-ahead impossible. */
export { registerStrategy, getStrategy, listStrategies, resolveStrategy } from './strategy-registry.js';
export { describeStrategies } from './strategy-params.js';
export type { StrategyInfo, StrategyParamInfo } from './strategy-params.js';
export { WARMUP } from './strategy.js';
export type {
  StrategyDef,
  StrategyDecision,
  StrategyContext,
  Direction,
  StrategyEnv,
  ModelResolver,
  ResolvedModel,
} from './strategy.js';
export { createBarWindow } from './bar-window.js';
export type { BarWindow, BarWindowControl } from './bar-window.js';
export { smaCross } from './strategies/sma-cross.js';
export { rsiReversion } from './strategies/rsi-reversion.js';
export { donchianBreakout } from './strategies/donchian-breakout.js';
export { modelSignal, switchModel, loadModelForSignals, TIERS } from './strategies/model-signal.js';
export type { ModelSignalParams, ModelSignalState, ActiveModel, Tier } from './strategies/model-signal.js';

/** Backtest simulation, guardrails and metrics on typed-array columns. */
export { simulate } from './simulate.js';
export type { SimulationInput, SimulationResult } from './simulation-types.js';
export { Simulation } from './simulation.js';
export { GuardrailMonitor } from './guardrail-monitor.js';
export { createDayClock } from './day-clock.js';
export type { DayClock } from './day-clock.js';
export { computeMetrics, RunMetricsSchema } from './metrics.js';
export type { RunMetrics } from './metrics.js';
export { ACTIONS, GUARDRAIL_CODES } from './run-columns.js';
export type { Action, GuardrailCode, DecisionColumns, TradeColumns, EquityColumns, DayColumns } from './run-columns.js';

/** The run builder: inputs, run id, artifacts, publish through a RunStore. */
export { buildRun, buildPreparedRun } from './build-run.js';
export { prepareRun } from './prepare-run.js';
export type { PreparedRun } from './prepare-run.js';
export type { BuildRunOptions, BuildRunResult } from './build-run.js';
export { loadRunInputs } from './run-inputs.js';
export type { LoadedInputs } from './run-inputs.js';
export { computeRunId } from './run-id.js';
export { engineVersion, packageVersions } from './engine-version.js';
export {
  ARTIFACT_FILES,
  ARTIFACT_COLUMNS,
  decisionsColumns,
  tradesColumns,
  equityColumns,
  daysColumns,
} from './run-artifacts.js';
export type { ArtifactColumns } from './run-artifacts.js';
export { columnsToIpc, columnsToIpcChunks, ipcToColumns } from './arrow-columns.js';
export type { ColumnSpec, ColumnValues } from './arrow-columns.js';

/** Reading and validating published runs. */
export { validateRun } from './validate-run.js';
export type { RunValidation } from './validate-run.js';
export type { RunProblem } from './run-consistency.js';
export { readRunArtifacts } from './read-run-artifacts.js';
export type { RunArtifactsView, ReadRunArtifactsOptions, JsonColumns } from './read-run-artifacts.js';

/** Notifications: events (zod), the Notifier interface and its Telegram, webhook and console drivers, the outbox. */
export {
  NotifyEventSchema,
  NotificationSchema,
  SignalEventSchema,
  GuardrailBlockEventSchema,
  KillSwitchEventSchema,
  SessionEventSchema,
  DailySummaryEventSchema,
  TestEventSchema,
  idempotencyKey,
} from './notify/notify-event.js';
export type { NotifyEvent, NotifyEventInput, NotifyEventKind, Notification } from './notify/notify-event.js';
export {
  NotifyConfigSchema,
  parseNotifyConfig,
  parseNotifyConfigText,
  isEventEnabled,
} from './notify/notify-config.js';
export type { NotifyConfig, NotifyConfigInput } from './notify/notify-config.js';
export type { Notifier, Delivery } from './notify/notifier.js';
export { createTelegramNotifier } from './notify/telegram-notifier.js';
export type { TelegramOptions } from './notify/telegram-notifier.js';
export { createWebhookNotifier } from './notify/webhook-notifier.js';
export type { WebhookOptions } from './notify/webhook-notifier.js';
export { signWebhookBody, verifyWebhookSignature } from './notify/webhook-signature.js';
export { createConsoleNotifier } from './notify/console-notifier.js';
export { notifiersFromEnv, NOTIFY_ENV } from './notify/notifiers-from-env.js';
export type { NotifierChoice } from './notify/notifiers-from-env.js';
export { escapeTelegramHtml, MAY_REPEAT_NOTE, renderTelegramHtml, renderPlainText } from './notify/format-message.js';
export { openOutbox, OUTBOX_FILE } from './notify/outbox.js';
export type { Outbox, FlushReport, PendingDelivery } from './notify/outbox.js';
export { createPublisher } from './notify/notifications.js';
export type { PublishResult } from './notify/notifications.js';
export { checkNotifiers } from './notify/check-notifiers.js';
export type { NotifierCheck } from './notify/check-notifiers.js';
export { SessionNotices } from './notify/session-notices.js';
export type { NoticeEntry } from './notify/session-notices.js';
export { openSessionNotifier } from './notify/session-notifier.js';
export type {
  SessionNotifier,
  SessionNotifierOptions,
  KillSwitchNotice,
  NotifyTotals,
} from './notify/session-notifier.js';

/** Observation: a dry-run session against its backtest baseline, reconciled decision by decision, as Markdown + SVG. */
export { observationReport } from './observe/observation-report.js';
export type { ObservationInput, ObservationReport } from './observe/observation-report.js';
export { observationInputOf, writeObservationReport } from './observe/observe-session.js';
export { PLANNED_KILLS_FILE, processDeaths, readPlannedKills, recordPlannedKill } from './observe/planned-kills.js';
export type { PlannedKill } from './observe/planned-kills.js';
export type { ObserveSessionOptions } from './observe/observe-session.js';
export { reconcile, barId } from './observe/reconcile.js';
export type { Reconciliation, Difference, DifferenceClass, BaselineBars } from './observe/reconcile.js';
export { mergeObservedRuns, readObservedRun } from './observe/observed-run.js';
export type { ObservedRun, DecisionRow, TradeRow } from './observe/observed-run.js';
export { lineChartSvg, barChartSvg } from './observe/svg-charts.js';

/** Parameter sweeps: grid or seeded random cells, walk-forward folds, PBO (CSCV) and the deflated Sharpe ratio. */
export { SweepConfigSchema, parseSweepConfig } from './sweep/sweep-config.js';
export type { SweepConfig, SweepConfigInput } from './sweep/sweep-config.js';
export { sweepCells, applyCell } from './sweep/sweep-cells.js';
export { cellChunks } from './sweep/cell-chunks.js';
export type { CellParams } from './sweep/sweep-cells.js';
export { walkForwardFolds } from './sweep/walk-forward.js';
export type { Fold } from './sweep/walk-forward.js';
export {
  sharpeRatio,
  expectedMaxSharpe,
  deflatedSharpeRatio,
  probabilityOfOverfitting,
  normalCdf,
  normalQuantile,
} from './sweep/sweep-stats.js';
export { runSweep } from './sweep/run-sweep.js';
export { sweepCellSummaries, SweepCellsPayloadSchema } from './jobs/sweep-cell-job.js';
export type { SweepCellsPayload, SweepCellsControl, CellDataCache } from './jobs/sweep-cell-job.js';
export { decodeCellSummary, encodeCellSummary } from './sweep/cell-summary-json.js';
export type { EncodedCellSummary } from './sweep/cell-summary-json.js';
export type { CellSummary } from './sweep/sweep-cell-metrics.js';
export type { RunSweepOptions, RunSweepResult } from './sweep/run-sweep.js';
export { SweepReportSchema, sweepMarkdown } from './sweep/sweep-report.js';
export type { SweepReport } from './sweep/sweep-report.js';
export { listSweeps, readSweepFolds, readSweepReport, sweepsDir } from './sweep/sweep-store.js';
export type { FoldMetrics } from './sweep/sweep-cell-metrics.js';

/** The dry-run runtime: feeds, sessions with a crash-safe signal journal, the backtest's simulator stepped bar by bar. */
export * from './dryrun/index.js';
