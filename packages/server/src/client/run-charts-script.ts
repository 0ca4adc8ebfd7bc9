/**
 * Browser script of the run page (plain ES2020, no build): fetches the run's series from the
 * API and draws price with decision markers, equity and drawdown with lightweight-charts.
 * Sets `window.buffCharts = { drawn, error }` so tests and users can tell it finished.
 */
export const RUN_CHARTS_SCRIPT = String.raw`
(function () {
  var root = document.getElementById('run-charts');
  var status = document.getElementById('charts-status');
  window.buffCharts = { drawn: false, error: null };
  function fail(message) {
    window.buffCharts.error = message;
    status.textContent = 'Charts unavailable: ' + message;
    status.className = 'error';
  }
  if (!window.LightweightCharts) return fail('chart library did not load');
  var LC = window.LightweightCharts;
  function chartIn(id) {
    var el = document.getElementById(id);
    return LC.createChart(el, { autoSize: true, timeScale: { timeVisible: true, secondsVisible: false }, rightPriceScale: { borderVisible: false } });
  }
  function points(series) {
    var out = [];
    for (var i = 0; i < series.time.length; i++) out.push({ time: series.time[i], value: series.value[i] });
    return out;
  }
  fetch(root.dataset.seriesUrl, { headers: { accept: 'application/json' } })
    .then(function (res) { return res.json().then(function (body) { if (!res.ok) throw new Error(body.message || res.statusText); return body; }); })
    .then(function (data) {
      var c = data.candles;
      var bars = [];
      for (var i = 0; i < c.time.length; i++) bars.push({ time: c.time[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i] });
      var price = chartIn('price-chart');
      var top = 0;
      for (var j = 0; j < c.high.length; j++) if (c.high[j] > top) top = c.high[j];
      // enough decimals for small prices (e.g. XRP/ETH at 0.0014)
      var precision = top >= 1000 ? 2 : top >= 1 ? 4 : Math.min(10, Math.ceil(-Math.log10(top || 1)) + 4);
      var candles = price.addSeries(LC.CandlestickSeries, { upColor: '#1f9d55', downColor: '#cc1f1a', borderVisible: false, wickUpColor: '#1f9d55', wickDownColor: '#cc1f1a', priceFormat: { type: 'price', precision: precision, minMove: Math.pow(10, -precision) } });
      candles.setData(bars);
      LC.createSeriesMarkers(candles, data.markers.map(function (m) {
        var buy = m.side === 'buy';
        return { time: m.time, position: buy ? 'belowBar' : 'aboveBar', color: buy ? '#1f6feb' : m.side === 'sell' ? '#d97706' : '#6b7280', shape: buy ? 'arrowUp' : m.side === 'sell' ? 'arrowDown' : 'circle', text: m.side === 'blocked' ? m.label : '' };
      }));
      price.timeScale().fitContent();
      var equity = chartIn('equity-chart');
      equity.addSeries(LC.LineSeries, { color: '#1f6feb', lineWidth: 2 }).setData(points(data.equity));
      equity.timeScale().fitContent();
      var drawdown = chartIn('drawdown-chart');
      drawdown.addSeries(LC.AreaSeries, { lineColor: '#cc1f1a', topColor: 'rgba(204,31,26,0.05)', bottomColor: 'rgba(204,31,26,0.4)', lineWidth: 1, invertFilledArea: true }).setData(points(data.drawdown));
      drawdown.timeScale().fitContent();
      status.textContent = bars.length + ' bars, ' + data.markers.length + ' decisions marked';
      // fit again once autoSize has measured the containers
      requestAnimationFrame(function () {
        [price, equity, drawdown].forEach(function (chart) { chart.timeScale().fitContent(); });
        requestAnimationFrame(function () { window.buffCharts.drawn = true; });
      });
    })
    .catch(function (err) { fail(err && err.message ? err.message : String(err)); });
})();
`;
