import type { ResolvedRoot } from './roots.js';

/** What every command gets to talk to the user: JSON mode or human lines. */
export interface Output {
  json: boolean;
  /** Announces a resolved root (stderr in human mode, `roots` in JSON). */
  root(root: ResolvedRoot): void;
  /** A human line on stdout (suppressed in JSON mode). */
  line(text: string): void;
  /** Progress for a terminal (stderr; in JSON mode only with `alsoInJson`, stdout stays one JSON line). */
  progress(text: string, options?: { alsoInJson?: boolean }): void;
  /** The command's result: printed as JSON in JSON mode, ignored otherwise. */
  result(value: Record<string, unknown>): void;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  const roots: Record<string, { path: string; source: string }> = {};
  return {
    json,
    root(root) {
      roots[root.name] = { path: root.path, source: root.source };
      if (!json) stderr.write(`${root.name}=${root.path} (${root.source})\n`);
    },
    line(text) {
      if (!json) stdout.write(`${text}\n`);
    },
    progress(text, options) {
      if (!json || options?.alsoInJson) stderr.write(`${text}\n`);
    },
    result(value) {
      if (json) stdout.write(`${JSON.stringify({ ok: true, roots, ...value })}\n`);
    },
  };
}
