import { formatNumber, formatPercent } from './format.js';
import { html, type SafeHtml } from './html.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

type Metrics = Record<string, unknown>;
type Row = [label: string, shown: string, title?: string];

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const at = (metrics: Metrics, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Metrics)[k] : undefined), metrics);
/** A ratio (0.05) as a percent. */
const pct = (m: Metrics, path: string): string => formatPercent(num(at(m, path)));
/** A figure already in percent (5 = 5%). */
const pctPoints = (m: Metrics, path: string): string => {
  const v = num(at(m, path));
  return v === null ? '–' : `${v.toFixed(2)}%`;
};
const plain = (m: Metrics, path: string, digits = 2): string => {
  const v = at(m, path);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  const n = num(v);
  return n === null ? '–' : Number.isInteger(n) ? String(n) : formatNumber(n, digits);
};

/**
 * CAGR only when the run spans at least a year: annualising a few days of return compounds noise
 * into a figure nobody could earn (GIPS forbids annualising periods under a year for the same reason).
 */
function cagrRow(metrics: Metrics, spanMs: number | null): Row {
  if (spanMs === null || spanMs < YEAR_MS)
    return ['CAGR', '–', 'not annualised: the run spans less than a year (see total return)'];
  return ['CAGR', pct(metrics, 'cagr')];
}

/**
 * The run's metrics.json in groups (returns, risk, trades, guardrails and objectives), ratios and
 * drawdowns shown in percent, schemaVersion left out. `spanMs` is the run's window length.
 * @example metricsSection(view.metrics, 30 * 86_400_000)
 */
export function metricsSection(metrics: Metrics | undefined, spanMs: number | null): SafeHtml {
  if (metrics === undefined) return html`<p class="muted">no metrics.json</p>`;
  const m = metrics;
  const groups: Array<[string, Row[]]> = [
    [
      'Returns',
      [
        ['Total return', pct(m, 'totalReturn')],
        cagrRow(m, spanMs),
        ['Final equity', plain(m, 'finalEquity')],
        ['Initial capital', plain(m, 'initialCapital')],
      ],
    ],
    [
      'Risk',
      [
        ['Max drawdown', pct(m, 'maxDrawdown')],
        ['Sharpe (annualised)', plain(m, 'sharpe')],
        ['Sortino (annualised)', plain(m, 'sortino')],
        ['Exposure (bars in market)', pct(m, 'exposure')],
      ],
    ],
    [
      'Trades',
      [
        ['Trades', plain(m, 'tradeCount')],
        ['Win rate', pct(m, 'winRate')],
        ['Profit factor', plain(m, 'profitFactor')],
        ['Fees paid', plain(m, 'feesPaid')],
        ['Bars', plain(m, 'bars')],
      ],
    ],
    [
      'Guardrails and objectives',
      [
        ['Status', String(m.status ?? '–')],
        ['Blocked decisions', plain(m, 'guardrailBlocks.total')],
        ['  by daily loss', plain(m, 'guardrailBlocks.maxDailyLoss')],
        ['  by total loss', plain(m, 'guardrailBlocks.maxTotalLoss')],
        ['  by open positions', plain(m, 'guardrailBlocks.maxOpenPositions')],
        ['Daily loss limit', pctPoints(m, 'objectives.maxDailyLoss.limitPct')],
        ['Days breaching it', plain(m, 'objectives.maxDailyLoss.breachDays')],
        ['Total loss limit', pctPoints(m, 'objectives.maxTotalLoss.limitPct')],
        ['Total loss breached', plain(m, 'objectives.maxTotalLoss.breached')],
        ['Profit target', pctPoints(m, 'objectives.profitTarget.targetPct')],
        ['Target reached', plain(m, 'objectives.profitTarget.reached')],
        [
          'Trading days',
          `${plain(m, 'objectives.minTradingDays.actual')} of ${plain(m, 'objectives.minTradingDays.required')} required`,
        ],
        ['Objectives passed', plain(m, 'objectives.passed')],
      ],
    ],
  ];
  const tables = groups.map(
    ([title, rows]) =>
      html`<div class="metric-group"><h3>${title}</h3><table>${rows.map(
        ([label, shown, hint]) =>
          html`<tr><th class="${label.startsWith('  ') ? 'indent' : ''}">${label.trim()}</th><td class="num" title="${hint ?? ''}">${shown}</td></tr>`,
      )}</table></div>`,
  );
  return html`<div id="metrics-table" class="metric-groups">${tables}</div>`;
}
