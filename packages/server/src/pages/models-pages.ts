import type { AuditEntry, ModelAlias, ModelVersion } from '@buff/registry';
import { formatNumber } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { EVALUATION_METRICS, evaluationFigures, verdict } from './model-evaluation.js';

/** One row of the models list (ModelRegistry.listModels plus the champion's record). */
export interface ModelSummary {
  name: string;
  versions: number;
  latest: number;
  aliases: Partial<Record<ModelAlias, number>>;
  champion: ModelVersion | undefined;
}

const ALIASES: ModelAlias[] = ['champion', 'candidate'];

function aliasBadges(aliases: Partial<Record<ModelAlias, number>>, version?: number): SafeHtml[] {
  return ALIASES.filter((a) => aliases[a] !== undefined && (version === undefined || aliases[a] === version)).map(
    (a) => html`<span class="badge ${a}">${a}${version === undefined ? ` v${aliases[a]}` : ''}</span> `,
  );
}

function noRegistry(base: string, root: string | undefined): SafeHtml {
  return root === undefined
    ? html`<p class="muted" id="models-empty">No models root is configured: start the server with <code>buff serve --models-root DIR</code> (or set MODELS_ROOT).</p>`
    : html`<p class="muted" id="models-empty">No models in <code>${root}</code> yet. Train, evaluate and promote one: <code>buff train ...</code>, <code>buff evaluate --model DIR</code>, <code>buff promote --model DIR</code>. <a href="${base}/datasets">Datasets</a> lists what can be trained on.</p>`;
}

/** /models: every registered model with its versions, aliases and the champion's test figures. */
export function renderModelsListPage(page: { base: string; root: string | undefined; models: ModelSummary[] }): string {
  const { base } = page;
  const rows = page.models.map((m) => {
    const f = evaluationFigures(m.champion?.evaluation);
    return html`<tr><td><a href="${base}/models/${m.name}">${m.name}</a></td><td class="num">${m.versions}</td><td class="num">v${m.latest}</td><td>${aliasBadges(m.aliases)}</td><td>${String(m.champion?.card.kind ?? '–')}</td><td class="num">${formatNumber(f.accuracy, 4)}</td><td class="num">${formatNumber(f.ece, 4)}</td></tr>`;
  });
  const body =
    page.models.length === 0
      ? html`<h1>Models</h1>${noRegistry(base, page.root)}`
      : html`<h1>Models</h1><p class="muted">Registry: <code>${page.root}</code></p><div class="scroll"><table id="models-table"><thead><tr><th>Name</th><th class="num">Versions</th><th class="num">Latest</th><th>Aliases</th><th>Kind</th><th class="num">Champion accuracy</th><th class="num">Champion ECE</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return layout({ base, title: 'Models', body });
}

/** What an audit entry says, in a few words (`champion v1 → v2`, `v3 registered (passed)`). */
export function auditText(entry: AuditEntry): string {
  const d = entry.details;
  const v = (n: unknown): string => (typeof n === 'number' ? `v${n}` : 'none');
  const why = typeof d.reason === 'string' && d.reason !== '' ? `: ${d.reason}` : '';
  if (entry.action === 'promote' || entry.action === 'rollback') return `${d.alias} ${v(d.from)} → ${v(d.to)}${why}`;
  if (entry.action === 'register') return `${v(d.version)} registered (evaluation ${String(d.passed ?? 'none')})`;
  if (entry.action === 'evaluate') return `${v(d.version)} evaluated (passed ${String(d.passed)})`;
  if (entry.action === 'promotion-refused') return `${v(d.version)} refused as ${d.alias}${why}`;
  return JSON.stringify(d).slice(0, 200);
}

/** The audit log, newest first; a promotion shows the evaluation figures it was made on. */
export function auditTable(base: string, name: string, entries: AuditEntry[]): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">No audit entries.</p>`;
  const rows = [...entries].reverse().map((e) => {
    const f = evaluationFigures(e.details.evaluation);
    const to = typeof e.details.to === 'number' ? e.details.to : e.details.version;
    const evidence =
      e.action === 'promote'
        ? `accuracy ${formatNumber(f.accuracy, 4)}, ECE ${formatNumber(f.ece, 4)}, log loss ${formatNumber(f.logLoss, 4)}`
        : '';
    return html`<tr class="audit-${e.action}"><td class="num">${e.seq}</td><td>${e.at.replace('T', ' ').slice(0, 19)}</td><td>${e.action}</td><td>${typeof to === 'number' ? html`<a href="${base}/models/${name}/v/${to}">${auditText(e)}</a>` : auditText(e)}</td><td>${e.actor}</td><td>${evidence}</td></tr>`;
  });
  return html`<div class="scroll"><table id="audit-table"><thead><tr><th class="num">#</th><th>At (UTC)</th><th>Action</th><th>What</th><th>Actor</th><th>Evaluation behind it</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * Where a rollback of each alias would go, replayed from the audit log the way the registry keeps
 * its history (a promotion to another version stacks the old one, a rollback pops it).
 * @example rollbackTargets(await models.auditLog('sig')).champion // 1
 */
export function rollbackTargets(entries: AuditEntry[]): Partial<Record<ModelAlias, number>> {
  const stacks: Record<string, number[]> = {};
  for (const e of entries) {
    const alias = String(e.details.alias);
    const stack = (stacks[alias] ??= []);
    if (e.action === 'promote' && typeof e.details.from === 'number' && e.details.from !== e.details.to)
      stack.push(e.details.from);
    if (e.action === 'rollback') stack.pop();
  }
  const out: Partial<Record<ModelAlias, number>> = {};
  for (const alias of ALIASES) {
    const target = stacks[alias]?.at(-1);
    if (target !== undefined) out[alias] = target;
  }
  return out;
}

function rollbackForms(page: ModelPageInput): SafeHtml {
  const targets = rollbackTargets(page.audit);
  const aliases = ALIASES.filter((a) => page.aliases[a] !== undefined);
  if (aliases.length === 0) return html`<p class="muted">No alias set yet.</p>`;
  if (!page.signedIn)
    return html`<p><a href="${page.base}/login?next=${encodeURIComponent(`/models/${page.name}`)}" id="rollback-sign-in">Sign in</a> with the admin token to roll an alias back.</p>`;
  return html`${aliases.map((alias) =>
    targets[alias] === undefined
      ? html`<p class="muted">${alias} v${page.aliases[alias]} has no earlier version to roll back to.</p>`
      : html`<form method="post" action="${page.base}/models/${page.name}/rollback" class="inline rollback-form" id="rollback-${alias}"><input type="hidden" name="alias" value="${alias}"><label>Reason (kept in the audit log)<input name="reason" maxlength="300"></label><button type="submit">Roll ${alias} back from v${page.aliases[alias]} to v${targets[alias]}</button></form>`,
  )}`;
}

/** Input of {@link renderModelPage}. */
export interface ModelPageInput {
  base: string;
  name: string;
  versions: ModelVersion[];
  aliases: Partial<Record<ModelAlias, number>>;
  audit: AuditEntry[];
  signedIn: boolean;
  /** A refusal to show above the forms (e.g. a rollback the registry refused). */
  error?: string;
}

/** /models/:name: versions with their test figures and aliases, rollback, and the audit log. */
export function renderModelPage(page: ModelPageInput): string {
  const { base, name } = page;
  const rows = [...page.versions].reverse().map((v) => {
    const f = evaluationFigures(v.evaluation);
    return html`<tr><td><a href="${base}/models/${name}/v/${v.version}">v${v.version}</a></td><td>${aliasBadges(page.aliases, v.version)}</td><td class="id">${String(v.card.modelId ?? '–')}</td><td>${String(v.card.kind ?? '–')}</td><td>${v.registeredAt.slice(0, 19).replace('T', ' ')}</td><td>${verdict(v.evaluation)}</td>${EVALUATION_METRICS.map((m) => html`<td class="num">${formatNumber(f[m.key] as number | undefined, 4)}</td>`)}</tr>`;
  });
  const body = html`<h1>${name}</h1><p>${aliasBadges(page.aliases)}</p>
${page.error ? html`<p class="error" id="rollback-error">${page.error}</p>` : ''}
<section><h2>Versions</h2><div class="scroll"><table id="versions-table"><thead><tr><th>Version</th><th>Aliases</th><th>Model id</th><th>Kind</th><th>Registered (UTC)</th><th>Gates</th>${EVALUATION_METRICS.map((m) => html`<th class="num">${m.label}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div></section>
<section class="card"><h2>Roll back</h2>${rollbackForms(page)}</section>
<section><h2>Audit log</h2>${auditTable(base, name, page.audit)}</section>`;
  return layout({ base, title: name, body });
}
