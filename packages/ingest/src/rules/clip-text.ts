// This module imports nothing from @buff/core at run time: the parse worker loads it.

/** How many characters of an input value an error message quotes. */
export const QUOTED_CHARS = 80;

/**
 * An input value as an error message quotes it: one line, at most {@link QUOTED_CHARS}
 * characters; a longer one is cut with an ellipsis and its full length.
 * @example clipText('x'.repeat(1_000_000)) // 'xxx…xxx… (1000000 chars)'
 */
export function clipText(value: string, max = QUOTED_CHARS): string {
  const flat = value.length > max * 4 ? value.slice(0, max * 4) : value;
  const line = flat.replace(/[\r\n]+/g, ' ');
  return value.length > max || line.length > max ? `${line.slice(0, max)}… (${value.length} chars)` : line;
}
