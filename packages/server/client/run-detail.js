// @ts-check
/**
 * Browser script of the run page, served as a file from /assets/run-detail.js (the page's CSP allows
 * no inline script). Fetches the run's series (downsampled on the server to fewer points than the
 * chart has pixel columns) and draws price with trade markers and shaded guardrail periods, equity and drawdown (%)
 * with lightweight-charts, fitted to the whole run. Zooming into the price chart fetches that range
 * again in full detail. The symbol picker submits its form on change.
 * The charts take the light or dark palette of the system's colour scheme, and repaint in the
 * other when it changes while the page is open (`data-chart-scheme` on #run-charts says which,
 * once painted). Sets `window.buffCharts = { drawn, error }` so tests and users can tell it
 * finished, and marks its steps on the performance timeline (`buff:charts-script`, `buff:series-headers`,
 * `buff:series-parsed`, `buff:charts-set`, `buff:charts-drawn`) to see where the time goes.
 */

/**
 * The JSON of GET /api/runs/:id/series (RunSeries in src/run-series.ts).
 * @typedef {{ time: number[]; value: number[] }} Line
 * @typedef {{ time: number[]; open: number[]; high: number[]; low: number[]; close: number[] }} Candles
 * @typedef {{ from: number; to: number; guardrail: string; bars: number }} Period
 * @typedef {{
 *   range: { from: number; to: number };
 *   bars: { inRange: number; shown: number };
 *   candles: Candles;
 *   markers: Array<{ time: number; side: 'buy' | 'sell'; label: string }>;
 *   blocks: Period[];
 *   equity: Line;
 *   drawdownPct: Line;
 * }} RunSeries
 * @typedef {import('lightweight-charts').UTCTimestamp} UTCTimestamp
 */

/**
 * The chart colours for a light and a dark page (dark follows the system setting, as the page's CSS
 * does): canvas backgrounds, text and grid do not inherit the page's colours, so each is set here.
 */
const THEMES = {
  light: {
    background: '#ffffff',
    text: '#1d2433',
    grid: '#eef0f3',
    up: '#1f9d55',
    down: '#cc1f1a',
    equity: '#1f6feb',
    buy: '#1f6feb',
    sell: '#d97706',
    drawdownTop: 'rgba(204,31,26,0.05)',
    drawdownBottom: 'rgba(204,31,26,0.4)',
    blocks: /** @type {Record<string, string>} */ ({
      max_daily_loss: 'rgba(217,119,6,0.22)',
      max_total_loss: 'rgba(204,31,26,0.2)',
      max_open_positions: 'rgba(107,114,128,0.22)',
    }),
  },
  dark: {
    background: '#1b1f27',
    text: '#e3e7ee',
    grid: '#2a303b',
    up: '#4cc27f',
    down: '#ff6b6b',
    equity: '#5b9bff',
    buy: '#5b9bff',
    sell: '#f5a524',
    drawdownTop: 'rgba(255,107,107,0.08)',
    drawdownBottom: 'rgba(255,107,107,0.45)',
    blocks: /** @type {Record<string, string>} */ ({
      max_daily_loss: 'rgba(245,165,36,0.28)',
      max_total_loss: 'rgba(255,107,107,0.26)',
      max_open_positions: 'rgba(167,176,191,0.26)',
    }),
  },
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** @param {number} n */
const two = (n) => String(n).padStart(2, '0');
/**
 * The time axis' labels (UTC, as the library shows them), made from the date's fields: the
 * library's default builds a locale formatter for every label (`toLocaleString` with options),
 * which took ~14% of the CPU samples of a 30-day run's first chart paint (a Chromium trace).
 * @param {unknown} time
 * @param {number} type TickMarkType: 0 year, 1 month, 2 day, 3 time, 4 time with seconds
 */
function tickLabel(time, type) {
  const d = new Date(Number(time) * 1000);
  if (type === 0) return String(d.getUTCFullYear());
  if (type === 1) return MONTHS[d.getUTCMonth()] ?? '';
  if (type === 2) return String(d.getUTCDate());
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return type === 4 ? `${hm}:${two(d.getUTCSeconds())}` : hm;
}
/**
 * The crosshair's time label: `2024-01-02 03:04` (UTC).
 * @param {unknown} time
 */
const timeLabel = (time) => new Date(Number(time) * 1000).toISOString().slice(0, 16).replace('T', ' ');
/** The system's colour scheme, watched: the charts repaint when it changes while the page is open. */
const darkScheme = window.matchMedia?.('(prefers-color-scheme: dark)');
/** @type {'light' | 'dark'} */
let SCHEME = darkScheme?.matches ? 'dark' : 'light';
let THEME = THEMES[SCHEME];

(() => {
  const picker = document.querySelector('#symbol-picker select');
  if (picker instanceof HTMLSelectElement) picker.addEventListener('change', () => picker.form?.submit());

  const root = /** @type {HTMLElement} */ (document.getElementById('run-charts'));
  const status = /** @type {HTMLElement} */ (document.getElementById('charts-status'));
  const periodsBox = /** @type {HTMLElement} */ (document.getElementById('guardrail-periods'));
  window.buffCharts = { drawn: false, error: null };
  performance.mark('buff:charts-script');
  root.dataset.chartScheme = SCHEME;
  /** @param {string} message */
  function fail(message) {
    window.buffCharts.error = message;
    status.textContent = `Charts unavailable: ${message}`;
    status.className = 'error';
  }
  if (!window.LightweightCharts) return fail('chart library did not load');
  /** @type {NonNullable<Window['LightweightCharts']>} */
  const LC = window.LightweightCharts;
  const seriesUrl = root.dataset.seriesUrl ?? '';
  const priceBox = /** @type {HTMLElement} */ (document.getElementById('price-chart'));
  // zoomed ranges: about one candle per CSS pixel (each a bucket's open, high, low and close; lines
  // keep each bucket's low and high), so no extreme is hidden and nothing is drawn twice on a pixel
  const points = Math.max(200, Math.min(4000, Math.round(priceBox.clientWidth)));
  // the whole run, at a fixed number of points: the page's <head> preloads this very URL (a
  // request with other headers than the preload's would not reuse it)
  const overviewUrl = root.dataset.overviewUrl ?? `${seriesUrl}${seriesUrl.includes('?') ? '&' : '?'}points=${points}`;

  /** A chart's own colours in the current palette (canvases do not inherit the page's CSS). */
  const chartColours = () => ({
    layout: { background: { type: LC.ColorType.Solid, color: THEME.background }, textColor: THEME.text },
    grid: { vertLines: { color: THEME.grid }, horzLines: { color: THEME.grid } },
  });
  /** @param {string} id */
  function chartIn(id) {
    const colours = chartColours();
    return LC.createChart(/** @type {HTMLElement} */ (document.getElementById(id)), {
      autoSize: true,
      // the logo injects an inline <style> (refused by the CSP); the page links to TradingView instead
      layout: { ...colours.layout, attributionLogo: false },
      grid: colours.grid,
      // fitContent must be able to show every point: the default 0.5 px minimum spacing cut a 1m run to its last 1.5 days
      timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.001, tickMarkFormatter: tickLabel },
      localization: { timeFormatter: timeLabel },
      rightPriceScale: { borderVisible: false },
    });
  }
  /** @param {Line} line */
  const points2 = (line) =>
    line.time.map((t, i) => ({ time: /** @type {UTCTimestamp} */ (t), value: line.value[i] ?? 0 }));
  /** @param {Candles} c */
  const bars = (c) =>
    c.time.map((t, i) => ({
      time: /** @type {UTCTimestamp} */ (t),
      open: c.open[i] ?? 0,
      high: c.high[i] ?? 0,
      low: c.low[i] ?? 0,
      close: c.close[i] ?? 0,
    }));
  /**
   * One shading bar per candle inside a guardrail period, none elsewhere (the candles give the
   * time scale its points; whitespace entries for every other candle would double the data set).
   * @param {Candles} c
   * @param {Period[]} periods
   */
  function shading(c, periods) {
    /** @type {Array<{ time: UTCTimestamp; value: number; color: string }>} */
    const out = [];
    let p = 0;
    for (const t of c.time) {
      while (p < periods.length && (periods[p]?.to ?? 0) <= t) p++;
      const period = periods[p];
      if (period === undefined) break;
      if (period.from > t) continue;
      const color = THEME.blocks[period.guardrail] ?? THEME.blocks.max_open_positions ?? THEME.grid;
      out.push({ time: /** @type {UTCTimestamp} */ (t), value: 1, color });
    }
    return out;
  }
  /** @param {RunSeries} data */
  function markersOf(data) {
    return data.markers.map((m) => ({
      time: /** @type {UTCTimestamp} */ (m.time),
      position: /** @type {'belowBar' | 'aboveBar'} */ (m.side === 'buy' ? 'belowBar' : 'aboveBar'),
      color: m.side === 'buy' ? THEME.buy : THEME.sell,
      shape: /** @type {'arrowUp' | 'arrowDown'} */ (m.side === 'buy' ? 'arrowUp' : 'arrowDown'),
      text: '',
    }));
  }
  /** @param {Period[]} periods */
  function listPeriods(periods) {
    if (periods.length === 0) return;
    const table = document.createElement('table');
    table.id = 'guardrail-periods-table';
    table.innerHTML =
      '<thead><tr><th>Guardrail</th><th>From (UTC)</th><th>To (UTC)</th><th class="num">Decisions</th></tr></thead>';
    const body = document.createElement('tbody');
    for (const p of periods) {
      const row = body.insertRow();
      const iso = (/** @type {number} */ s) => new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ');
      for (const text of [p.guardrail, iso(p.from), iso(p.to), String(p.bars)]) row.insertCell().textContent = text;
      row.cells[3]?.classList.add('num');
    }
    table.append(body);
    const title = document.createElement('h3');
    title.textContent = `Guardrail periods (${periods.length}, shaded on the price chart)`;
    const box = document.createElement('div');
    box.className = 'scroll';
    box.append(table);
    periodsBox.replaceChildren(title, box);
  }

  /** @param {string} url */
  async function load(url) {
    const res = await fetch(url);
    performance.mark('buff:series-headers');
    const body = await res.json();
    performance.mark('buff:series-parsed');
    if (!res.ok) throw new Error(body.message || res.statusText);
    return /** @type {RunSeries} */ (body);
  }

  const boxSizes = () =>
    ['price-chart', 'equity-chart', 'drawdown-chart']
      .map((id) => {
        const box = document.getElementById(id);
        return `${box?.clientWidth}x${box?.clientHeight}`;
      })
      .join(' ');

  /** @param {RunSeries} data */
  function draw(data) {
    const c = data.candles;
    const price = chartIn('price-chart');
    const top = c.high.reduce((max, h) => (h > max ? h : max), 0);
    // enough decimals for small prices (e.g. XRP/ETH at 0.0014)
    const precision = top >= 1000 ? 2 : top >= 1 ? 4 : Math.min(10, Math.ceil(-Math.log10(top || 1)) + 4);
    const shade = price.addSeries(LC.HistogramSeries, {
      priceScaleId: 'guardrails',
      lastValueVisible: false,
      priceLineVisible: false,
      autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 1 } }),
    });
    price.priceScale('guardrails').applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
    const candleColours = () => ({
      upColor: THEME.up,
      downColor: THEME.down,
      wickUpColor: THEME.up,
      wickDownColor: THEME.down,
    });
    const drawdownColours = () => ({
      lineColor: THEME.down,
      topColor: THEME.drawdownTop,
      bottomColor: THEME.drawdownBottom,
    });
    const candles = price.addSeries(LC.CandlestickSeries, {
      ...candleColours(),
      borderVisible: false,
      priceFormat: { type: 'price', precision, minMove: 10 ** -precision },
    });
    const markers = LC.createSeriesMarkers(candles, []);
    const equity = chartIn('equity-chart');
    const equityLine = equity.addSeries(LC.LineSeries, { color: THEME.equity, lineWidth: 2 });
    const drawdown = chartIn('drawdown-chart');
    const drawdownArea = drawdown.addSeries(LC.AreaSeries, {
      ...drawdownColours(),
      lineWidth: 1,
      invertFilledArea: true,
      priceFormat: { type: 'custom', formatter: (/** @type {number} */ v) => `${v.toFixed(2)}%` },
    });
    let shown = data;
    /** @param {RunSeries} d */
    function show(d) {
      shown = d;
      shade.setData(shading(d.candles, d.blocks));
      candles.setData(bars(d.candles));
      markers.setMarkers(markersOf(d));
      equityLine.setData(points2(d.equity));
      drawdownArea.setData(points2(d.drawdownPct));
    }
    show(data);
    // the system switched between light and dark: every colour again, then say so (after the repaint)
    darkScheme?.addEventListener('change', (event) => {
      SCHEME = event.matches ? 'dark' : 'light';
      THEME = THEMES[SCHEME];
      for (const chart of [price, equity, drawdown]) chart.applyOptions(chartColours());
      candles.applyOptions(candleColours());
      equityLine.applyOptions({ color: THEME.equity });
      drawdownArea.applyOptions(drawdownColours());
      shade.setData(shading(shown.candles, shown.blocks));
      markers.setMarkers(markersOf(shown));
      requestAnimationFrame(() => {
        root.dataset.chartScheme = SCHEME;
      });
    });
    listPeriods(data.blocks);
    const detail = data.bars.inRange > data.bars.shown ? `, downsampled to ${data.bars.shown} for display` : '';
    status.textContent = `${data.bars.inRange} bars${detail}; ${data.markers.length} entries and exits marked; ${data.blocks.length} guardrail periods`;
    const fit = () => {
      for (const chart of [price, equity, drawdown]) chart.timeScale().fitContent();
    };
    fit();
    performance.mark('buff:charts-set');
    const done = () => {
      // what the price chart shows, for users' scripts and the browser tests (UTC seconds)
      const visible = price.timeScale().getVisibleRange();
      if (visible) root.dataset.visibleRange = `${Number(visible.from)},${Number(visible.to)}`;
      window.buffCharts.drawn = true;
      performance.mark('buff:charts-drawn');
      if (data.bars.inRange > data.bars.shown) zoomInDetail(price, data, show);
    };
    // the charts paint in the next frame (their frame callbacks were asked for before this one); a
    // container resized meanwhile (e.g. a scroll bar appeared) is fitted again and painted a frame later
    const sized = boxSizes();
    requestAnimationFrame(() => {
      if (boxSizes() === sized) return done();
      performance.mark('buff:charts-refit');
      fit();
      requestAnimationFrame(done);
    });
  }

  /**
   * When the visible range of the price chart narrows, fetch that range again (at full detail
   * where it fits) and show it inside the overview. Debounced; the latest request wins.
   * @param {import('lightweight-charts').IChartApi} chart
   * @param {RunSeries} overview
   * @param {(d: RunSeries) => void} show
   */
  function zoomInDetail(chart, overview, show) {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    let latest = 0;
    let applying = false;
    const full = overview.range.to - overview.range.from;
    chart.timeScale().subscribeVisibleTimeRangeChange((range) => {
      if (applying || !range) return;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const from = Number(range.from);
        const to = Number(range.to);
        const ask = ++latest;
        const zoomed = to - from < full * 0.9;
        try {
          const query = `from=${from}&to=${to}&points=${points}`;
          const data = zoomed ? await load(`${seriesUrl}${seriesUrl.includes('?') ? '&' : '?'}${query}`) : overview;
          if (ask !== latest) return;
          const merged = zoomed ? mergeInto(overview, data) : overview;
          applying = true;
          show(merged);
          chart
            .timeScale()
            .setVisibleRange({ from: /** @type {UTCTimestamp} */ (from), to: /** @type {UTCTimestamp} */ (to) });
        } catch (err) {
          status.textContent = `could not load detail: ${err instanceof Error ? err.message : String(err)}`;
        } finally {
          requestAnimationFrame(() => {
            applying = false;
          });
        }
      }, 300);
    });
  }

  /**
   * The overview outside the detail's range plus the detail inside it.
   * @param {RunSeries} overview
   * @param {RunSeries} detail
   */
  function mergeInto(overview, detail) {
    const { from, to } = detail.range;
    /**
     * @template {Record<string, number[]>} T
     * @param {T} outer
     * @param {T} inner
     * @returns {T}
     */
    function splice(outer, inner) {
      const time = outer.time ?? [];
      let a = 0;
      while (a < time.length && (time[a] ?? 0) < from) a++;
      let b = a;
      while (b < time.length && (time[b] ?? 0) <= to) b++;
      const out = /** @type {Record<string, number[]>} */ ({});
      for (const key of Object.keys(outer)) {
        const o = outer[key] ?? [];
        out[key] = [...o.slice(0, a), ...(inner[key] ?? []), ...o.slice(b)];
      }
      return /** @type {T} */ (out);
    }
    return {
      ...overview,
      candles: splice(overview.candles, detail.candles),
      equity: splice(overview.equity, detail.equity),
      drawdownPct: splice(overview.drawdownPct, detail.drawdownPct),
    };
  }

  load(overviewUrl)
    .then(draw)
    .catch((err) => fail(err?.message ? err.message : String(err)));
})();
