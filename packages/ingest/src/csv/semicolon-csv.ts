import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuffError } from '@buff/core';

const LF = 10;
const COMMA = 44;
const SEMICOLON = 59;
const QUOTE = 34;
const CHUNK = 1 << 20;

/** A semicolon-separated CSV rewritten with commas for the comma reader; `cleanup` removes the copy. */
export interface CommaCopy {
  /** The rewritten file (same lines, same line numbers). */
  path: string;
  /** sha256 of the original file's bytes (the dataset's provenance names the file the user gave). */
  sha256: string;
  cleanup: () => void;
}

/**
 * The delimiter a CSV header line uses: `;` when it holds semicolons and no comma, else `,`
 * (a header with both is left to the comma reader, which refuses it as ambiguous).
 * @example headerDelimiter('timestamp;open;high;low;close;volume') // ';'
 */
export function headerDelimiter(header: string): ',' | ';' {
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

/** The file's first line (up to 64 KiB), for delimiter detection ('' when it cannot be opened or read: the reader says why). */
function firstLine(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const lf = buf.subarray(0, n).indexOf(LF);
    return buf.subarray(0, lf < 0 ? n : lf).toString('latin1');
  } catch {
    return ''; // a folder opens but cannot be read (EISDIR): the reader names it
  } finally {
    closeSync(fd);
  }
}

/**
 * When the CSV's header is separated by semicolons, rewrites the file with commas (outside quoted
 * fields) into a temp copy, line for line, and returns it; undefined for a comma-separated file.
 * A comma anywhere in a semicolon-separated file is refused (INVALID_INPUT, rule
 * CSV_DECIMAL_COMMA, naming file and line): it is most likely a decimal comma (42000,5), and Buff
 * does not guess which separator a number uses.
 * @example const copy = commaCopyOfSemicolonCsv('eu.csv'); try { read(copy?.path ?? 'eu.csv') } finally { copy?.cleanup() }
 */
export function commaCopyOfSemicolonCsv(path: string, file = path): CommaCopy | undefined {
  if (headerDelimiter(firstLine(path)) !== ';') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'buff-semicolon-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const copy = join(dir, 'comma.csv');
  const hash = createHash('sha256');
  const input = openSync(path, 'r');
  const output = openSync(copy, 'w');
  try {
    const buf = Buffer.alloc(CHUNK);
    let line = 1;
    let quoted = false;
    let at = 0;
    for (let n = readSync(input, buf, 0, CHUNK, at); n > 0; n = readSync(input, buf, 0, CHUNK, at)) {
      hash.update(buf.subarray(0, n));
      for (let i = 0; i < n; i++) {
        const byte = buf[i] as number;
        if (byte === LF) line++;
        else if (byte === QUOTE) quoted = !quoted;
        else if (byte === SEMICOLON && !quoted) buf[i] = COMMA;
        else if (byte === COMMA) throw decimalComma(file, line, buf, i, n);
      }
      writeSync(output, buf, 0, n);
      at += n;
    }
    return { path: copy, sha256: hash.digest('hex'), cleanup };
  } catch (err) {
    cleanup();
    throw err;
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

function decimalComma(file: string, line: number, buf: Buffer, i: number, n: number): BuffError {
  let start = i;
  while (start > 0 && buf[start - 1] !== SEMICOLON && buf[start - 1] !== COMMA && buf[start - 1] !== LF) start--;
  let end = i + 1;
  while (end < n && buf[end] !== SEMICOLON && buf[end] !== LF && buf[end] !== 13) end++;
  const value = buf.subarray(start, Math.min(end, start + 80)).toString('latin1');
  return new BuffError(
    'INVALID_INPUT',
    `${file} line ${line}: a comma in "${value}" in a semicolon-separated file: a decimal comma? Buff reads numbers with a decimal point (42000.5) and does not guess; convert the numbers (or export the file comma-separated)`,
    { details: { file, line, rule: 'CSV_DECIMAL_COMMA', value } },
  );
}
