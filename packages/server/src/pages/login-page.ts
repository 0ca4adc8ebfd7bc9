import { html } from './html.js';
import { layout } from './layout.js';

/** Login form: posts the admin token, which the server keeps in an HttpOnly cookie. */
export function renderLoginPage(page: { base: string; next: string; error?: string; runsNew: boolean }): string {
  const body = html`<h1>Sign in</h1>
<p>Creating runs needs the server's admin token (BUFF_ADMIN_TOKEN).</p>
${page.error ? html`<p class="error" id="login-error">${page.error}</p>` : ''}
<form method="post" action="${page.base}/login" id="login-form">
<input type="hidden" name="next" value="${page.next}">
<label>Admin token<input type="password" name="token" autocomplete="current-password" required></label>
<p><button type="submit">Sign in</button></p></form>`;
  return layout({ base: page.base, title: 'Sign in', body, runsNew: page.runsNew });
}
