import { html, type SafeHtml } from './html.js';
import { currentNav } from './nav-context.js';

/**
 * The nav's links, in order. Other pages add theirs here with one line each
 * (`flag: 'runsNew'` shows a link only when that feature is on).
 */
const NAV_LINKS: Array<{ path: string; label: string; flag?: 'runsNew' }> = [
  { path: '/runs', label: 'Runs' },
  { path: '/runs/new', label: 'New run', flag: 'runsNew' },
  { path: '/compare', label: 'Compare' },
  { path: '/models', label: 'Models' },
  { path: '/datasets', label: 'Datasets' },
  { path: '/sweeps', label: 'Sweeps' },
  { path: '/dryrun', label: 'Dry runs' },
  { path: '/api/health', label: 'Health' },
];

/** The link of the section a path is in (longest matching prefix), for aria-current. */
function currentLink(path: string): string | undefined {
  return NAV_LINKS.map((link) => link.path)
    .filter((p) => path === p || path.startsWith(`${p}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function navBar(base: string): SafeHtml {
  const nav = currentNav();
  const active = currentLink(nav.path);
  const links = NAV_LINKS.filter((link) => link.flag === undefined || nav[link.flag]).map(
    (link) =>
      html`<a href="${base}${link.path}"${link.path === active ? html` aria-current="page"` : ''}>${link.label}</a>`,
  );
  const user = nav.signedIn
    ? html`<form method="post" action="${base}/logout" id="logout-form" class="user"><span id="signed-in">Signed in as admin</span> <button type="submit">Log out</button></form>`
    : html`<a class="user" id="sign-in" href="${base}/login">Sign in</a>`;
  return html`<header><a class="brand" href="${base}/runs">Buff</a><nav>${links}</nav>${user}</header>`;
}

/**
 * The page frame: the same header on every page (links relative to where the router is mounted,
 * the sign-in state, a logout button; nav-context.ts) and the content.
 * @example layout({ base: req.baseUrl, title: 'Runs', body })
 */
export function layout(page: {
  base: string;
  title: string;
  body: SafeHtml;
  /** Script files under /assets (src/assets.ts), loaded in this order at the end of the body. */
  scripts?: string[];
  /** JSON the page's script will fetch (same URL, no custom headers): requested from <head> while the page loads. */
  preloadFetch?: string;
  /** @deprecated the nav reads the feature flags itself (nav-context.ts); kept so callers need not change. */
  runsNew?: boolean;
}): string {
  const base = page.base;
  const scripts = (page.scripts ?? []).map((name) => html`<script src="${base}/assets/${name}"></script>`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><link rel="icon" href="data:,">
<title>${page.title} · Buff</title><link rel="stylesheet" href="${base}/assets/buff.css"><link rel="stylesheet" href="${base}/assets/pages.css">${page.preloadFetch ? html`<link rel="preload" as="fetch" crossorigin href="${page.preloadFetch}">` : ''}</head>
<body>${navBar(base)}
<main>${page.body}</main>${scripts}</body></html>`.value;
}
