import { readSync } from 'node:fs';
import type { CsvLineParser } from './line-parser.js';

/** Default read size. */
export const CHUNK_BYTES = 2 ** 20;
const MAX_LINE_BYTES = 64 * 2 ** 20;
const LF = 10;

export interface FileRange {
  /** First byte: the start of the file or of a line. */
  start: number;
  /** End (exclusive): the end of the file or just after an LF. */
  end: number;
  /** Read size; tests use tiny chunks to exercise lines split across reads. */
  chunkBytes?: number | undefined;
  /** Sees every byte read, in order (hashing). */
  onBytes?: ((bytes: Uint8Array) => void) | undefined;
}

/**
 * Feeds the lines of a byte range of an open file to a parser, reading fixed-size chunks into
 * one buffer (memory bounded by the chunk plus the longest line). A last line without LF goes
 * to the parser as `final`.
 * @example parseFileRange(fd, parser, { start: 0, end: size });
 */
export function parseFileRange(fd: number, parser: CsvLineParser, range: FileRange): void {
  const { end, onBytes } = range;
  let position = range.start;
  let buf = Buffer.allocUnsafe(Math.max(Math.min(range.chunkBytes ?? CHUNK_BYTES, end - position + 1), 16));
  let carry = 0; // bytes of an unfinished line kept at the start of buf
  for (;;) {
    if (carry === buf.length) {
      if (buf.length >= MAX_LINE_BYTES) throw parser.longLineError(buf);
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, carry);
      buf = bigger;
    }
    const read = position < end ? readSync(fd, buf, carry, Math.min(buf.length - carry, end - position), position) : 0;
    position += read;
    if (read > 0) onBytes?.(buf.subarray(carry, carry + read));
    const stop = carry + read;
    if (read === 0) {
      buf[stop] = 0; // stop < buf.length: the buffer grows before it is full
      if (stop > 0) parser.parseLines(buf, 0, stop, true);
      return;
    }
    const lastLf = buf.lastIndexOf(LF, stop - 1);
    if (lastLf < 0) {
      carry = stop;
      continue;
    }
    parser.parseLines(buf, 0, lastLf + 1, false);
    carry = stop - lastLf - 1;
    buf.copy(buf, 0, lastLf + 1, stop);
  }
}
