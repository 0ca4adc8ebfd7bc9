import type { ErrorBody } from '../error-status.js';
import { html } from './html.js';
import { layout } from './layout.js';

const HEADINGS: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in needed',
  403: 'Not allowed',
  404: 'Page not found',
  429: 'Too many requests',
};

/** An error as a page (same code and message as the JSON answer), in the common layout. */
export function renderErrorPage(base: string, status: number, error: ErrorBody): string {
  const heading = HEADINGS[status] ?? (status >= 500 ? 'Server error' : 'Request refused');
  const body = html`<section class="error-page"><p class="status-code">${status}</p><h1>${heading}</h1>
<p class="error" id="error-message"><code>${error.code}</code> ${error.message}</p>
<p>Go to <a href="${base}/runs">runs</a>, <a href="${base}/models">models</a> or <a href="${base}/datasets">datasets</a>.</p></section>`;
  return layout({ base, title: `${status} ${error.code}`, body });
}
