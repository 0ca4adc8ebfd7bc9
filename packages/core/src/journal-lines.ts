import { withErrorPath } from './io-error.js';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { fsyncDir } from './atomic-file.js';

// Checksummed journal lines, shared by the registry's index journal and audit logs and by the
// notification outbox: `<crc32 hex8> <json>\n`, appended durably, a torn tail dropped on read.

/**
 * One line of a journal or audit log: `<crc32 hex8> <json>\n`.
 * @example appendLinesDurably(path, encodeLine({ op: 'put', id: 'a' }));
 */
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
  const garbage: Array<{ line: number; problem: string }> = [];
  // a newline byte never occurs inside a multi-byte UTF-8 sequence, so cutting at it is safe
  const end = bytes.lastIndexOf(10) + 1;
  // One JSON array out of all good lines, built in a copy of the bytes: each good line's
  // "<crc> " prefix becomes spaces and its newline a comma; a bad line becomes all spaces.
  // Checksums are computed on the bytes (crc32 of the UTF-8 body), so no per-line strings.
  const json = Buffer.allocUnsafe(end + 1);
  json[0] = 0x5b; // [
  bytes.copy(json, 1, 0, end);
  let lastComma = -1;
  let start = 0;
  let line = firstLine;
  while (start < end) {
    const newline = bytes.indexOf(10, start);
    if (
      newline - start >= 10 &&
      bytes[start + 8] === 0x20 &&
      hexAt(bytes, start) === crc32(bytes.subarray(start + 9, newline))
    ) {
      json.fill(0x20, start + 1, start + 10);
      json[newline + 1] = 0x2c; // ,
      lastComma = newline + 1;
    } else {
      if (newline > start)
        garbage.push({
          line,
          problem: decodeLine(bytes.toString('utf8', start, newline)).problem ?? 'unparsable JSON',
        });
      json.fill(0x20, start + 1, newline + 2);
    }
    start = newline + 1;
    line += 1;
  }
  let entries: T[];
  if (lastComma < 0) entries = [];
  else {
    json[lastComma] = 0x5d; // ]
    try {
      // checksummed bodies are whole JSON values: one parse of them all is much faster than one per line
      entries = JSON.parse(json.toString('utf8', 0, lastComma + 1)) as T[];
    } catch {
      entries = decodeEachLine<T>(bytes, end, garbage);
    }
  }
  return { entries, garbage, consumed: end, tornBytes: bytes.length - end };
}

/** The slow path: a checksummed line whose JSON is bad (a writer bug) spoils the one-parse path. */
function decodeEachLine<T>(bytes: Buffer, end: number, garbage: Array<{ line: number; problem: string }>): T[] {
  const entries: T[] = [];
  let start = 0;
  while (start < end) {
    const newline = bytes.indexOf(10, start);
    const raw = bytes.toString('utf8', start, newline);
    start = newline + 1;
    if (raw.length < 10 || raw[8] !== ' ' || checksumOf(raw.slice(9)) !== raw.slice(0, 8)) continue; // reported already
    const decoded = decodeLine(raw);
    if ('value' in decoded) entries.push(decoded.value as T);
    else garbage.push({ line: -1, problem: decoded.problem ?? 'unparsable JSON' });
  }
  return entries;
}

/** The 8 lowercase hex digits at `at` as a number, or -1 when they are not hex. */
function hexAt(bytes: Buffer, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i += 1) {
    const c = bytes[i] as number;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
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

/**
 * Appends text to a file with one write and one fdatasync (the folder is fsynced when the file is new):
 * after it returns, the lines survive a crash.
 * @example appendLinesDurably('outbox.jsonl', encodeLine(entry));
 */
export function appendLinesDurably(path: string, text: string): void {
  const created = !existsSync(path);
  const fd = openSync(path, 'a');
  try {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fdatasyncSync(fd); // the new bytes and the new size: all a reader needs
  } catch (err) {
    throw withErrorPath(err, path);
  } finally {
    closeSync(fd);
  }
  if (created) fsyncDir(dirname(path));
}

/**
 * Reads a journal file for appending: decodes it and cuts a torn tail off the file (then fsyncs),
 * so the next appended line starts on a line of its own. A missing file reads as empty.
 * @example const { entries } = readJournalForAppend<Op>(path); appendLinesDurably(path, encodeLine(op));
 */
export function readJournalForAppend<T = unknown>(path: string): DecodedJournal<T> {
  if (!existsSync(path)) return { entries: [], garbage: [], consumed: 0, tornBytes: 0 };
  const decoded = decodeLines<T>(readFileSync(path));
  if (decoded.tornBytes > 0) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, decoded.consumed);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return decoded;
}
