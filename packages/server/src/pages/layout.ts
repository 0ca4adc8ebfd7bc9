import { html, type SafeHtml } from './html.js';

/**
 * The page frame: header with links (relative to where the router is mounted) and content.
 * @example layout({ base: req.baseUrl, title: 'Runs', body })
 */
export function layout(page: {
  base: string;
  title: string;
  body: SafeHtml;
  /** Script files under /assets (src/assets.ts), loaded in this order at the end of the body. */
  scripts?: string[];
  runsNew?: boolean;
}): string {
  const base = page.base;
  const scripts = (page.scripts ?? []).map((name) => html`<script src="${base}/assets/${name}"></script>`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${page.title} · Buff</title><link rel="stylesheet" href="${base}/assets/buff.css"></head>
<body><header><a class="brand" href="${base}/runs">Buff</a><a href="${base}/runs">Runs</a>${page.runsNew ? html`<a href="${base}/runs/new">New run</a>` : ''}<a href="${base}/api/health">Health</a></header>
<main>${page.body}</main>${scripts}</body></html>`.value;
}
