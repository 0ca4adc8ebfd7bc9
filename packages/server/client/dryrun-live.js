// @ts-check
/**
 * Browser script of /dryrun/:id, served from /assets/dryrun-live.js (the CSP allows no inline script).
 * Follows the session through GET /api/dryrun/:id/events (server-sent events): each journal entry adds
 * a bar (the newest 50 are shown) and maybe a signal (tier colours), `session` updates the state,
 * `snapshot` the equity line, `live` the counts over the whole journal (bars seen, signals, trades,
 * refused and gap bars), the guardrail blocks by rule with the last one, and the kill switch, `guardrail`
 * each lane's loss floor for today, equity and the distance to it. Sets
 * `window.buffDryrun = { entries, bars, signals, ended, live, guardrail }` so tests and users can tell what arrived.
 */
(() => {
  const root = document.getElementById('dryrun-live');
  if (!root) return;
  const MAX_ROWS = 50;
  /** @type {{ entries: number, bars: number, signals: number, ended: boolean, live: any, guardrail: any }} */
  const state = { entries: 0, bars: 0, signals: 0, ended: false, live: null, guardrail: null };
  /** @type {any} */ (window).buffDryrun = state;
  const $ = (/** @type {string} */ id) => document.getElementById(id);
  const text = (/** @type {string} */ id, /** @type {string} */ value) => {
    const el = $(id);
    if (el) el.textContent = value;
  };
  /** @param {HTMLElement | null} body @param {string[]} cells @param {string} [cls] */
  const prepend = (body, cells, cls) => {
    if (!body) return;
    const tr = document.createElement('tr');
    if (cls) tr.className = cls;
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    body.insertBefore(tr, body.firstChild);
    while (body.children.length > MAX_ROWS) body.lastElementChild?.remove();
  };
  const iso = (/** @type {number} */ ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const source = new EventSource(root.dataset.events ?? '');
  source.onopen = () => text('stream-state', 'live');
  source.addEventListener('entry', (event) => {
    const entry = JSON.parse(/** @type {MessageEvent} */ (event).data);
    state.entries++;
    const [ts, , , , close] = entry.bar;
    const note = entry.refused
      ? `refused: ${entry.refused}`
      : [
          entry.gap ? 'after a gap' : '',
          entry.rateLimited ? 'rate-limited' : entry.signal ? 'signal' : '',
          entry.guardrail ? `blocked: ${entry.guardrail}` : '',
        ]
          .filter(Boolean)
          .join(', ');
    if (!entry.refused) state.bars++;
    prepend(document.querySelector('#bars-table tbody'), [String(entry.seq), iso(ts), String(close), note]);
    if (entry.signal) {
      state.signals++;
      const s = entry.signal;
      const direction = s.direction === 1 ? 'long' : s.direction === -1 ? 'short' : 'flat';
      prepend(
        document.querySelector('#signals-table tbody'),
        [s.ts, direction, s.tier, Number(s.probability).toFixed(3), `${s.model} v${s.version}`, s.reason],
        `tier-${s.tier}`,
      );
    }
  });
  source.addEventListener('session', (event) => {
    const session = JSON.parse(/** @type {MessageEvent} */ (event).data);
    text('stop-reason', session.stopReason ? ` · session: ${session.stopReason}` : '');
    const status = $('session-status');
    if (status) {
      status.textContent = session.status;
      status.className = `state state-${session.status}`;
    }
  });
  source.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(/** @type {MessageEvent} */ (event).data);
    /** @type {Array<[number, number]>} */
    const points = snapshot.equity;
    const last = points[points.length - 1];
    if (last) text('equity-last', last[1].toFixed(2));
    const values = points.map((p) => p[1]);
    const min = Math.min(...values);
    const span = Math.max(...values) - min || 1;
    const line = document.querySelector('#equity-chart polyline');
    if (line && values.length > 1)
      line.setAttribute(
        'points',
        values
          .map(
            (v, i) => `${((i / (values.length - 1)) * 600).toFixed(1)},${(115 - ((v - min) / span) * 110).toFixed(1)}`,
          )
          .join(' '),
      );
  });
  source.addEventListener('live', (event) => {
    const live = JSON.parse(/** @type {MessageEvent} */ (event).data);
    state.live = live;
    for (const key of ['bars', 'used', 'signals', 'trades', 'refused', 'gaps', 'rateLimited', 'modelSwitches'])
      text(`count-${key}`, String(live[key]));
    const blocks = Object.entries(live.blocks).map(([rule, n]) => `${rule}: ${n}`);
    text('guardrail-blocks', blocks.length ? blocks.join(', ') : 'none');
    const last = live.lastBlock;
    text(
      'guardrail-last',
      last ? `${last.rule} at ${last.ts.replace('.000Z', 'Z')} (${last.symbol}, bar #${last.seq})` : 'none',
    );
    const kill = live.killSwitch;
    const k = $('kill-switch');
    if (k) {
      k.textContent = kill.text;
      k.className = `state state-${kill.on ? 'on' : 'off'}`;
    }
  });
  /** @param {number | null} v */
  const money = (v) => (v === null ? 'off' : v.toFixed(2));
  /** The local calendar day starting at `ms` in `zone`, e.g. 2024-01-04 (Europe/Prague, from 2024-01-03T23:00Z). */
  const localDay = (/** @type {number | null} */ ms, /** @type {string} */ zone) => {
    if (ms === null) return '–';
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    return `${day.format(ms)} (${zone}, from ${iso(ms).replace(':00Z', 'Z')})`;
  };
  source.addEventListener('guardrail', (event) => {
    /** @type {any[] | null} */
    const lanes = JSON.parse(/** @type {MessageEvent} */ (event).data);
    state.guardrail = lanes;
    const body = document.querySelector('#guardrail-state tbody');
    if (!body || !lanes) return;
    body.replaceChildren();
    for (const g of lanes) {
      const limit = g.dailyFloor === null ? null : g.dayStartBalance - g.dailyFloor;
      const share = limit ? ` (${((g.distance / limit) * 100).toFixed(1)} % of the daily limit)` : '';
      const note = g.stopped ? 'stopped: total floor crossed' : g.dailyBreached ? 'blocked until the next day' : 'open';
      const cells = [
        g.symbol,
        localDay(g.dayStart, g.timezone),
        money(g.dailyFloor),
        g.equity.toFixed(2),
        g.distance === null ? '–' : `${g.distance.toFixed(2)}${share}`,
        money(g.totalFloor),
        note,
      ];
      const tr = document.createElement('tr');
      tr.dataset.symbol = g.symbol;
      tr.className = g.dailyBreached || g.stopped ? 'guard-breached' : '';
      for (const [i, cell] of cells.entries()) {
        const td = document.createElement('td');
        td.textContent = cell;
        if (i >= 2 && i <= 5) td.className = 'num';
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  });
  source.addEventListener('end', () => {
    state.ended = true;
    text('stream-state', 'ended');
    source.close();
  });
  source.onerror = () => text('stream-state', state.ended ? 'ended' : 'reconnecting…');
})();
