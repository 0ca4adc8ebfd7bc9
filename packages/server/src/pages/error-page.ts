import type { ErrorBody } from '../error-status.js';
import { html } from './html.js';
import { layout } from './layout.js';

/** An error as a page (same code and message as the JSON answer). */
export function renderErrorPage(base: string, status: number, error: ErrorBody): string {
  const body = html`<h1>${status} ${error.code}</h1><p class="error" id="error-message">${error.message}</p><p><a href="${base}/runs">Back to runs</a></p>`;
  return layout({ base, title: `${status} ${error.code}`, body });
}
