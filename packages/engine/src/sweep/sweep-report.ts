import { z } from 'zod';
import { RunInputSchema } from '@buff/core';

const Scalar = z.union([z.number(), z.string(), z.boolean()]);
const CellParamsSchema = z.record(z.string(), Scalar);
const FoldChoiceSchema = z
  .object({
    fold: z.number().int(),
    cell: z.number().int(),
    params: CellParamsSchema,
    isSharpe: z.number(),
    oosSharpe: z.number(),
    isReturn: z.number(),
    oosReturn: z.number(),
  })
  .strict();

/** `report.json` of a sweep: what `buff sweep --json` prints and the UI reads. */
export const SweepReportSchema = z
  .object({
    schemaVersion: z.literal(1),
    sweepId: z.string().regex(/^sweep-[0-9a-f]{16}$/),
    name: z.string(),
    cells: z.number().int(),
    /** Returns per cell (bars of the window less one). */
    observations: z.number().int(),
    inputs: z.array(RunInputSchema),
    walkForward: z
      .object({
        scheme: z.enum(['rolling', 'anchored']),
        folds: z.number().int(),
        /** Per fold, the cell best in-sample and how it did out of sample. */
        choices: z.array(FoldChoiceSchema),
        /** Mean out-of-sample Sharpe of the chosen cells over their mean in-sample Sharpe. */
        efficiency: z.number().nullable(),
      })
      .strict(),
    /** Probability of backtest overfitting (CSCV); null when the series is too short for the blocks. */
    pbo: z.number().nullable(),
    cscv: z.object({ blocks: z.number().int(), splits: z.number().int() }).strict(),
    best: z
      .object({ cell: z.number().int(), params: CellParamsSchema, sharpe: z.number(), runId: z.string().nullable() })
      .strict()
      .nullable(),
    /** The best cell's deflated Sharpe ratio over `cells` trials; `benchmark` is the expected maximum Sharpe of luck. */
    deflatedSharpe: z.object({ value: z.number(), pValue: z.number(), benchmark: z.number() }).strict().nullable(),
    /** Whole-window Sharpe per bar of every cell, in cell order. */
    cellSharpes: z.array(z.number()),
    cellParams: z.array(CellParamsSchema),
  })
  .strict();

export type SweepReport = z.infer<typeof SweepReportSchema>;

const fixed = (value: number | null | undefined, digits = 4): string =>
  value === null || value === undefined ? 'n/a' : value.toFixed(digits);

/**
 * The sweep report as Markdown: the verdict first (PBO, deflated Sharpe), then walk-forward per fold.
 * @example writeFileSync('report.md', sweepMarkdown(report));
 */
export function sweepMarkdown(report: SweepReport): string {
  const dsr = report.deflatedSharpe;
  const lines = [
    `# Sweep ${report.name} (${report.sweepId})`,
    '',
    `${report.cells} cells, ${report.observations} returns each, walk-forward ${report.walkForward.scheme} x ${report.walkForward.folds}.`,
    '',
    '| figure | value | reading |',
    '|---|---|---|',
    `| probability of backtest overfitting (CSCV, ${report.cscv.splits} splits) | ${fixed(report.pbo)} | ${report.pbo === null ? 'too few bars' : report.pbo > 0.5 ? 'the in-sample winner is usually below median out of sample: overfit' : 'the in-sample winner mostly holds up'} |`,
    `| deflated Sharpe ratio of the best cell | ${fixed(dsr?.value)} (p = ${fixed(dsr?.pValue)}) | ${dsr && dsr.pValue < 0.05 ? 'significant after correcting for the trials' : 'not significant: luck explains it'} |`,
    `| walk-forward efficiency | ${fixed(report.walkForward.efficiency)} | out-of-sample Sharpe / in-sample Sharpe of the chosen cells |`,
    '',
    `Best cell: ${report.best ? `${JSON.stringify(report.best.params)} (Sharpe per bar ${fixed(report.best.sharpe)}${report.best.runId ? `, run ${report.best.runId}` : ''})` : 'none'}.`,
    '',
    '| fold | chosen cell | in-sample Sharpe | out-of-sample Sharpe | in-sample return | out-of-sample return |',
    '|---|---|---|---|---|---|',
    ...report.walkForward.choices.map(
      (c) =>
        `| ${c.fold} | ${JSON.stringify(c.params)} | ${fixed(c.isSharpe)} | ${fixed(c.oosSharpe)} | ${fixed(c.isReturn * 100, 2)}% | ${fixed(c.oosReturn * 100, 2)}% |`,
    ),
    '',
  ];
  return lines.join('\n');
}
