// @ts-check
/**
 * Browser script of the run page, served as a file from /assets/run-detail.js (the page's CSP allows
 * no inline script). Fetches the run's series from the API and draws price with decision markers,
 * equity and drawdown with lightweight-charts; the symbol picker submits its form on change.
 * Sets `window.buffCharts = { drawn, error }` so tests and users can tell it finished.
 */

/**
 * The JSON of GET /api/runs/:id/series (RunSeries in src/run-series.ts).
 * @typedef {{ time: number[]; value: number[] }} Line
 * @typedef {{
 *   candles: { time: number[]; open: number[]; high: number[]; low: number[]; close: number[] };
 *   markers: Array<{ time: number; side: 'buy' | 'sell' | 'blocked'; label: string }>;
 *   equity: Line;
 *   drawdown: Line;
 * }} RunSeries
 * @typedef {import('lightweight-charts').UTCTimestamp} UTCTimestamp
 */

(() => {
  const picker = document.querySelector('#symbol-picker select');
  if (picker instanceof HTMLSelectElement) picker.addEventListener('change', () => picker.form?.submit());

  const root = /** @type {HTMLElement} */ (document.getElementById('run-charts'));
  const status = /** @type {HTMLElement} */ (document.getElementById('charts-status'));
  window.buffCharts = { drawn: false, error: null };
  /** @param {string} message */
  function fail(message) {
    window.buffCharts.error = message;
    status.textContent = `Charts unavailable: ${message}`;
    status.className = 'error';
  }
  if (!window.LightweightCharts) return fail('chart library did not load');
  /** @type {NonNullable<Window['LightweightCharts']>} */
  const LC = window.LightweightCharts;
  /** @param {string} id */
  function chartIn(id) {
    return LC.createChart(/** @type {HTMLElement} */ (document.getElementById(id)), {
      autoSize: true,
      // the logo injects an inline <style> (refused by the CSP); the page links to TradingView instead
      layout: { attributionLogo: false },
      timeScale: { timeVisible: true, secondsVisible: false },
      rightPriceScale: { borderVisible: false },
    });
  }
  /** @param {Line} series */
  function points(series) {
    return series.time.map((t, i) => ({ time: /** @type {UTCTimestamp} */ (t), value: series.value[i] ?? 0 }));
  }
  /** @param {RunSeries} data */
  function draw(data) {
    const c = data.candles;
    const bars = c.time.map((t, i) => ({
      time: /** @type {UTCTimestamp} */ (t),
      open: c.open[i] ?? 0,
      high: c.high[i] ?? 0,
      low: c.low[i] ?? 0,
      close: c.close[i] ?? 0,
    }));
    const price = chartIn('price-chart');
    const top = c.high.reduce((max, h) => (h > max ? h : max), 0);
    // enough decimals for small prices (e.g. XRP/ETH at 0.0014)
    const precision = top >= 1000 ? 2 : top >= 1 ? 4 : Math.min(10, Math.ceil(-Math.log10(top || 1)) + 4);
    const candles = price.addSeries(LC.CandlestickSeries, {
      upColor: '#1f9d55',
      downColor: '#cc1f1a',
      borderVisible: false,
      wickUpColor: '#1f9d55',
      wickDownColor: '#cc1f1a',
      priceFormat: { type: 'price', precision, minMove: 10 ** -precision },
    });
    candles.setData(bars);
    LC.createSeriesMarkers(
      candles,
      data.markers.map((m) => {
        const buy = m.side === 'buy';
        const sell = m.side === 'sell';
        return {
          time: /** @type {UTCTimestamp} */ (m.time),
          position: buy ? 'belowBar' : 'aboveBar',
          color: buy ? '#1f6feb' : sell ? '#d97706' : '#6b7280',
          shape: buy ? 'arrowUp' : sell ? 'arrowDown' : 'circle',
          text: m.side === 'blocked' ? m.label : '',
        };
      }),
    );
    price.timeScale().fitContent();
    const equity = chartIn('equity-chart');
    equity.addSeries(LC.LineSeries, { color: '#1f6feb', lineWidth: 2 }).setData(points(data.equity));
    equity.timeScale().fitContent();
    const drawdown = chartIn('drawdown-chart');
    drawdown
      .addSeries(LC.AreaSeries, {
        lineColor: '#cc1f1a',
        topColor: 'rgba(204,31,26,0.05)',
        bottomColor: 'rgba(204,31,26,0.4)',
        lineWidth: 1,
        invertFilledArea: true,
      })
      .setData(points(data.drawdown));
    drawdown.timeScale().fitContent();
    status.textContent = `${bars.length} bars, ${data.markers.length} decisions marked`;
    // fit again once autoSize has measured the containers
    requestAnimationFrame(() => {
      for (const chart of [price, equity, drawdown]) chart.timeScale().fitContent();
      requestAnimationFrame(() => {
        window.buffCharts.drawn = true;
      });
    });
  }
  fetch(root.dataset.seriesUrl ?? '', { headers: { accept: 'application/json' } })
    .then((res) =>
      res.json().then((body) => {
        if (!res.ok) throw new Error(body.message || res.statusText);
        return /** @type {RunSeries} */ (body);
      }),
    )
    .then(draw)
    .catch((err) => fail(err?.message ? err.message : String(err)));
})();
