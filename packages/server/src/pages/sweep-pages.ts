import type * as express from 'express';
import { type FoldMetrics, listSweeps, type SweepReport } from '@buff/engine';
import { parseSweepId, readSweep } from '../api/sweeps-api.js';
import type { ServerContext } from '../server-context.js';
import { formatNumber, formatPercent } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** Cells shown on a sweep page before "show all" (best whole-window Sharpe first). */
const CELLS_SHOWN = 100;

const paramsText = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .map(([key, value]) => `${key.split('.').pop()}=${String(value)}`)
    .join(', ');

/**
 * The verdict in plain words: is the best cell more than luck (deflated Sharpe), and does the
 * in-sample winner hold up out of sample (PBO)?
 * @example sweepVerdict(report) // 'Likely luck: ...'
 */
export function sweepVerdict(report: SweepReport): { good: boolean; text: string } {
  const dsr = report.deflatedSharpe;
  const significant = dsr !== null && dsr.pValue < 0.05;
  const holds = report.pbo !== null && report.pbo <= 0.5;
  const trials = `${report.cells} cells tried`;
  const luck = significant
    ? `The best cell's Sharpe ratio is significant after correcting for the ${trials} (p = ${formatNumber(dsr?.pValue, 3)}).`
    : `With ${trials}, a best Sharpe ratio this high is what luck alone would give (p = ${formatNumber(dsr?.pValue, 3)}).`;
  const overfit =
    report.pbo === null
      ? 'Too few bars to estimate the probability of overfitting.'
      : holds
        ? `The in-sample winner mostly holds up out of sample (PBO ${formatPercent(report.pbo)}).`
        : `The in-sample winner usually ranks below the median out of sample (PBO ${formatPercent(report.pbo)}): the sweep overfits.`;
  const good = significant && holds;
  return { good, text: `${good ? 'Evidence of an edge.' : 'Do not trust the best cell.'} ${luck} ${overfit}` };
}

function renderList(base: string, reports: SweepReport[]): SafeHtml {
  const rows = reports.map(
    (
      r,
    ) => html`<tr data-sweep-id="${r.sweepId}"><td><a href="${base}/sweeps/${r.sweepId}">${r.sweepId}</a></td><td>${r.name}</td>
<td class="num">${r.cells}</td><td class="num">${formatNumber(r.pbo)}</td><td class="num">${formatNumber(r.deflatedSharpe?.value)}</td>
<td class="num">${formatNumber(r.deflatedSharpe?.pValue, 3)}</td><td class="num">${formatNumber(r.walkForward.efficiency)}</td><td>${sweepVerdict(r).good ? 'edge' : 'luck or overfit'}</td></tr>`,
  );
  return html`<h1>Sweeps</h1><p class="muted" id="sweeps-count">${reports.length} sweeps (\`buff sweep --config sweep.yml\`)</p>
<div class="scroll"><table id="sweeps-table"><thead><tr><th>Sweep</th><th>Name</th><th class="num">Cells</th><th class="num">PBO</th><th class="num">Deflated Sharpe</th><th class="num">p-value</th><th class="num">WF efficiency</th><th>Verdict</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function cellsTable(report: SweepReport, folds: FoldMetrics[], all: boolean): SafeHtml {
  const byCell = new Map<number, FoldMetrics[]>();
  for (const row of folds) byCell.set(row.cell, [...(byCell.get(row.cell) ?? []), row]);
  const order = report.cellSharpes.map((sharpe, cell) => ({ sharpe, cell })).sort((a, b) => b.sharpe - a.sharpe);
  const shown = all ? order : order.slice(0, CELLS_SHOWN);
  const foldHeads = Array.from(
    { length: report.walkForward.folds },
    (_, f) => html`<th class="num">fold ${f} IS</th><th class="num">fold ${f} OOS</th>`,
  );
  const rows = shown.map(({ sharpe, cell }) => {
    const cells = (byCell.get(cell) ?? []).map(
      (r) =>
        html`<td class="num" title="return ${formatPercent(r.isReturn)}">${formatNumber(r.isSharpe, 4)}</td><td class="num" title="return ${formatPercent(r.oosReturn)}">${formatNumber(r.oosSharpe, 4)}</td>`,
    );
    const best = report.best?.cell === cell ? ' best' : '';
    return html`<tr class="${best}" data-cell="${cell}"><td>${cell}</td><td>${paramsText(report.cellParams[cell] ?? {})}</td><td class="num">${formatNumber(sharpe, 4)}</td>${cells}</tr>`;
  });
  const more =
    shown.length < order.length
      ? html`<p class="muted">Best ${shown.length} of ${order.length} cells by Sharpe. <a href="?all=1">Show all</a></p>`
      : '';
  return html`<h2>Cells: Sharpe per bar in and out of sample, per fold</h2>${more}
<div class="scroll"><table id="cells-table"><thead><tr><th>Cell</th><th>Params</th><th class="num">Sharpe</th>${foldHeads}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderDetail(base: string, report: SweepReport, folds: FoldMetrics[], all: boolean): SafeHtml {
  const verdict = sweepVerdict(report);
  const dsr = report.deflatedSharpe;
  const best = report.best;
  const bestLink = best?.runId
    ? html`<a id="best-run" href="${base}/runs/${best.runId}">${best.runId}</a>`
    : html`<span class="muted">not built (keep: none)</span>`;
  const choices = report.walkForward.choices.map(
    (c) =>
      html`<tr><td>${c.fold}</td><td>${paramsText(c.params)}</td><td class="num">${formatNumber(c.isSharpe, 4)}</td><td class="num">${formatNumber(c.oosSharpe, 4)}</td><td class="num">${formatPercent(c.isReturn)}</td><td class="num">${formatPercent(c.oosReturn)}</td></tr>`,
  );
  return html`<h1>Sweep ${report.name}</h1><p class="muted wrap-line">${report.sweepId} · ${report.cells} cells · ${report.observations} returns each · walk-forward ${report.walkForward.scheme} × ${report.walkForward.folds}</p>
<p id="sweep-verdict" class="${verdict.good ? 'verdict good' : 'verdict bad'}">${verdict.text}</p>
<div class="scroll"><table id="sweep-figures"><tbody>
<tr><th>Probability of backtest overfitting (CSCV, ${report.cscv.splits} splits)</th><td class="num" id="sweep-pbo">${formatNumber(report.pbo, 4)}</td></tr>
<tr><th>Deflated Sharpe ratio of the best cell</th><td class="num" id="sweep-dsr">${formatNumber(dsr?.value, 4)}</td></tr>
<tr><th>p-value</th><td class="num" id="sweep-pvalue">${formatNumber(dsr?.pValue, 4)}</td></tr>
<tr><th>Expected best Sharpe from luck alone</th><td class="num">${formatNumber(dsr?.benchmark, 4)}</td></tr>
<tr><th>Walk-forward efficiency (OOS / IS Sharpe of the chosen cells)</th><td class="num" id="sweep-wfe">${formatNumber(report.walkForward.efficiency, 4)}</td></tr>
<tr><th>Best cell</th><td class="wrap-line">${best ? paramsText(best.params) : 'none'} · run ${bestLink}</td></tr>
</tbody></table></div>
<h2>Walk-forward: the cell chosen in each fold</h2>
<div class="scroll"><table id="choices-table"><thead><tr><th>Fold</th><th>Chosen</th><th class="num">IS Sharpe</th><th class="num">OOS Sharpe</th><th class="num">IS return</th><th class="num">OOS return</th></tr></thead><tbody>${choices}</tbody></table></div>
${cellsTable(report, folds, all)}`;
}

/** The pages /sweeps (every published sweep) and /sweeps/:id (verdict, walk-forward, cells). */
export function mountSweepPages(router: express.Router, ctx: ServerContext): void {
  router.get('/sweeps', (req, res) => {
    const body = renderList(req.baseUrl, listSweeps(ctx.runsRoot));
    res.type('html').send(layout({ base: req.baseUrl, title: 'Sweeps', body, runsNew: ctx.runsNew }));
  });
  router.get('/sweeps/:id', (req, res) => {
    const { report, folds } = readSweep(ctx, parseSweepId(req.params.id));
    const body = renderDetail(req.baseUrl, report, folds, req.query.all === '1');
    res.type('html').send(layout({ base: req.baseUrl, title: `Sweep ${report.name}`, body, runsNew: ctx.runsNew }));
  });
}
