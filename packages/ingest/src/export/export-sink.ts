import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, tempPathFor, withErrorPath } from '@buff/core';

/**
 * An export's output file written as it is encoded: bytes go to a temp file beside `out` and are
 * hashed on the way; `commit` fsyncs it and renames it into place, `abort` removes it. Readers
 * of `out` see the old file or the new one, never a part.
 * @example const sink = new ExportSink('btc.csv'); sink.write(bytes); const { sha256 } = sink.commit();
 */
export class ExportSink {
  readonly temp: string;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private closed = false;

  constructor(readonly out: string) {
    mkdirSync(dirname(out), { recursive: true });
    this.temp = tempPathFor(out);
    this.fd = openSync(this.temp, 'w');
  }

  /** Appends bytes (a string is written as UTF-8). */
  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.hash.update(bytes);
    this.bytes += bytes.length;
    try {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      throw withErrorPath(err, this.out);
    }
  }

  /** fsyncs and closes the temp file, renames it to `out` and fsyncs the folder. */
  commit(): { sha256: string; bytes: number } {
    try {
      fsyncSync(this.fd);
      this.close();
      renameSync(this.temp, this.out);
      fsyncDir(dirname(this.out));
    } catch (err) {
      throw withErrorPath(err, this.out);
    }
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  /** Closes and removes the temp file (after a failure; `out` is left as it was). */
  abort(): void {
    this.close();
    rmSync(this.temp, { force: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
