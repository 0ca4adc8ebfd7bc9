import type * as express from 'express';
import { listSessions, readSession, type SessionRecord } from '@buff/engine';
import { type KillSwitchStatus, readKillSwitchSync } from '@buff/registry';
import { killSwitchText } from '../api/dryrun-tally.js';
import type { ServerContext } from '../server-context.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

function renderList(base: string, sessions: SessionRecord[]): SafeHtml {
  const rows = sessions.map(
    (
      s,
    ) => html`<tr data-session-id="${s.id}"><td><a href="${base}/dryrun/${s.id}">${s.id}</a></td><td><span class="state state-${s.status}">${s.status}</span></td>
<td>${s.symbol}</td><td>${s.model.name} v${s.model.version}</td><td>${s.feed.kind}</td><td class="num">${s.counts.bars}</td><td class="num">${s.counts.signals}</td><td class="num">${s.counts.refused}</td></tr>`,
  );
  return html`<h1>Dry runs</h1><p class="muted" id="sessions-count">${sessions.length} sessions (\`buff dryrun\`), read-only</p>
<div class="scroll"><table id="sessions-table"><thead><tr><th>Session</th><th>State</th><th>Symbol</th><th>Model</th><th>Feed</th><th class="num">Bars</th><th class="num">Signals</th><th class="num">Refused</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function renderCounts(s: SessionRecord): SafeHtml {
  const row = (id: string, label: string, value: number | string | undefined) =>
    html`<tr><th>${label}</th><td class="num" id="count-${id}">${value ?? '–'}</td></tr>`;
  const c = s.counts;
  return html`<h2>Counts</h2><div class="scroll"><table id="session-counts"><tbody>${row('bars', 'Bars seen', c.bars)}${row('used', 'Used', c.used)}${row('signals', 'Signals', c.signals)}${row('trades', 'Trades closed', undefined)}
${row('refused', 'Refused bars', c.refused)}${row('gaps', 'Gap bars (used)', c.gaps)}${row('rateLimited', 'Rate-limited', c.rateLimited)}${row('modelSwitches', 'Model switches', c.modelSwitches)}
<tr><th>Equity (last snapshot)</th><td class="num" id="equity-last">–</td></tr></tbody></table></div>`;
}

function renderGuards(s: SessionRecord, kill: KillSwitchStatus): SafeHtml {
  const stopped = s.stopReason ? ` · session: ${s.stopReason}` : '';
  return html`<h2>Guardrails and kill switch</h2><div class="scroll"><table id="session-guards"><tbody>
<tr><th>Blocked bars by rule</th><td id="guardrail-blocks">${s.counts.guardrailBlocks ? `${s.counts.guardrailBlocks} bars` : 'none'}</td></tr>
<tr><th>Last block</th><td id="guardrail-last">–</td></tr>
<tr><th>Kill switch</th><td><span id="kill-switch" class="state state-${kill.on ? 'on' : 'off'}">${killSwitchText(kill)}</span><span id="stop-reason">${stopped}</span></td></tr>
</tbody></table></div>
<h3>Today's loss floor</h3><div class="scroll"><table id="guardrail-state"><thead><tr><th>Symbol</th><th>Day (guardrail zone)</th><th class="num">Loss floor</th><th class="num">Equity</th><th class="num">Distance</th><th class="num">Total floor</th><th>State</th></tr></thead>
<tbody><tr><td colspan="7" class="muted">${s.lanes.map((l) => l.symbol).join(', ')}: waiting for the session's first bar</td></tr></tbody></table></div>`;
}

function renderSession(base: string, s: SessionRecord, kill: KillSwitchStatus): SafeHtml {
  return html`<h1 class="wrap-line">Dry run ${s.id}</h1>
<p class="muted wrap-line">${s.symbol} · model ${s.model.name} v${s.model.version} · feed ${s.feed.kind} · <span id="session-status" class="state state-${s.status}">${s.status}</span> · <span id="stream-state">connecting…</span></p>
<div id="dryrun-live" data-events="${base}/api/dryrun/${s.id}/events" data-base="${base}">
${renderCounts(s)}${renderGuards(s, kill)}
<h2>Equity</h2><svg id="equity-chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="equity"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points=""></polyline></svg>
<h2>Signals</h2><div class="scroll"><table id="signals-table"><thead><tr><th>Time</th><th>Direction</th><th>Tier</th><th class="num">Probability</th><th>Model</th><th>Reason</th></tr></thead><tbody></tbody></table></div>
<h2>Latest bars</h2><div class="scroll"><table id="bars-table"><thead><tr><th>#</th><th>Time</th><th class="num">Close</th><th>Note</th></tr></thead><tbody></tbody></table></div>
</div>`;
}

/** The pages /dryrun (sessions with their state) and /dryrun/:id (live by server-sent events). */
export function mountDryrunPages(router: express.Router, ctx: ServerContext): void {
  router.get('/dryrun', (req, res) => {
    const body = renderList(req.baseUrl, listSessions(ctx.runsRoot));
    res.type('html').send(layout({ base: req.baseUrl, title: 'Dry runs', body }));
  });
  router.get('/dryrun/:id', (req, res) => {
    const session = readSession(ctx.runsRoot, String(req.params.id));
    const body = renderSession(req.baseUrl, session, readKillSwitchSync(ctx.runsRoot));
    res
      .type('html')
      .send(layout({ base: req.baseUrl, title: `Dry run ${session.id}`, body, scripts: ['dryrun-live.js'] }));
  });
}
