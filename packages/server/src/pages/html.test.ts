import { describe, expect, it } from 'vitest';
import { html, jsonScript } from './html.js';

describe('html', () => {
  it('escapes interpolated values but not nested html', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<td title="${name}">${name}${html`<b>ok</b>`}</td>`.value).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b></td>',
    );
    expect(jsonScript('d', { a: '</script>' }).value).not.toContain('</script><');
  });
});
