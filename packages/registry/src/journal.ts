import { crc32 } from 'node:zlib';

/** One line of an index journal or audit log: `<crc32 hex8> <json>\n`. */
export function encodeLine(value: unknown): string {
  const body = JSON.stringify(value);
  return `${checksumOf(body)} ${body}\n`;
}

function checksumOf(body: string): string {
  return crc32(body).toString(16).padStart(8, '0');
}

/** What reading a journal found: the good entries, the bad lines it skipped, and where the good part ends. */
export interface DecodedJournal<T> {
  entries: T[];
  /** Complete lines whose checksum or JSON is wrong (1-based line numbers within the decoded text). */
  garbage: Array<{ line: number; problem: string }>;
  /** Bytes consumed: everything up to and including the last newline. */
  consumed: number;
  /** Bytes after the last newline: a torn (half-written) tail, never applied. */
  tornBytes: number;
}

/**
 * Decodes journal bytes. Complete lines with a bad checksum are skipped and reported; a final
 * segment without a newline is a torn tail: not applied, not consumed.
 * @example decodeLines(readFileSync(path)).entries
 */
export function decodeLines<T = unknown>(bytes: Buffer, firstLine = 1): DecodedJournal<T> {
  const entries: T[] = [];
  const garbage: Array<{ line: number; problem: string }> = [];
  // a newline byte never occurs inside a multi-byte UTF-8 sequence, so cutting at it is safe
  const end = bytes.lastIndexOf(10) + 1;
  const text = bytes.toString('utf8', 0, end);
  const bodies: string[] = [];
  let start = 0;
  let line = firstLine;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const raw = text.slice(start, newline);
    start = newline + 1;
    if (raw.length >= 10 && raw[8] === ' ' && checksumOf(raw.slice(9)) === raw.slice(0, 8)) bodies.push(raw.slice(9));
    else if (raw.length > 0) garbage.push({ line, problem: decodeLine(raw).problem ?? 'unparsable JSON' });
    line += 1;
  }
  // checksummed bodies are whole JSON values: one parse of them all is much faster than one per line
  try {
    for (const value of JSON.parse(`[${bodies.join(',')}]`) as T[]) entries.push(value);
  } catch {
    for (const body of bodies) {
      const decoded = decodeLine(`${checksumOf(body)} ${body}`);
      if ('value' in decoded) entries.push(decoded.value as T);
      else garbage.push({ line: -1, problem: decoded.problem ?? 'unparsable JSON' });
    }
  }
  return { entries, garbage, consumed: end, tornBytes: bytes.length - end };
}

function decodeLine(raw: string): { value?: unknown; problem?: string } {
  if (raw.length < 10 || raw[8] !== ' ') return { problem: 'not a journal line' };
  const body = raw.slice(9);
  if (checksumOf(body) !== raw.slice(0, 8)) return { problem: 'checksum mismatch' };
  try {
    return { value: JSON.parse(body) };
  } catch {
    return { problem: 'unparsable JSON' };
  }
}
