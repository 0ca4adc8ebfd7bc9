import { html, SafeHtml } from './html.js';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d2433;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700}
main{padding:1rem 1.2rem;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e3e6eb;text-align:left;white-space:nowrap}
th a{color:inherit}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin-bottom:.8rem}
label{display:flex;flex-direction:column;font-size:12px;color:#555}
input,select,button{font:inherit;padding:.25rem .4rem}
.chart{height:320px;background:#fff;margin-bottom:1rem;border:1px solid #e3e6eb}
.small-chart{height:180px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem}
.card{background:#fff;border:1px solid #e3e6eb;padding:.8rem}
pre{background:#fff;border:1px solid #e3e6eb;padding:.6rem;overflow:auto;max-height:360px;font-size:12px}
.error{color:#a3001b;background:#fff0f1;border:1px solid #f3b5bd;padding:.6rem}
.muted{color:#777}
td.wrap{white-space:normal;word-break:break-all;font-size:12px}
.card{overflow-x:auto}
`;

/**
 * The page frame: header with links (relative to where the router is mounted) and content.
 * @example layout({ base: req.baseUrl, title: 'Runs', body })
 */
export function layout(page: {
  base: string;
  title: string;
  body: SafeHtml;
  scripts?: SafeHtml;
  runsNew?: boolean;
}): string {
  const base = page.base;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${page.title} · Buff</title><style>${new SafeHtml(STYLE)}</style></head>
<body><header><a class="brand" href="${base}/runs">Buff</a><a href="${base}/runs">Runs</a>${page.runsNew ? html`<a href="${base}/runs/new">New run</a>` : ''}<a href="${base}/api/health">Health</a></header>
<main>${page.body}</main>${page.scripts}</body></html>`.value;
}
