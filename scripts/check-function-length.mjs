#!/usr/bin/env node
// Lists every function in packages/*/src (tests excluded) longer than the limit, and fails when there is one.
// Usage: node scripts/check-function-length.mjs [--max 120]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const maxIndex = process.argv.indexOf('--max');
const MAX = maxIndex > 0 ? Number(process.argv[maxIndex + 1]) : 120;

/** The .ts files under a folder, tests and declaration files left out. */
function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.(test|cases)\.tsx?$|\.d\.ts$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** A readable name for a function node: its declared name, the variable or property it is assigned to, or its kind. */
function nameOf(node) {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText();
  return `(${ts.SyntaxKind[node.kind]})`;
}

/** Every function-like node of a file over MAX lines: [{ file, line, name, lines }]. */
export function longFunctions(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX) found.push({ file: relative(root, file), line: start + 1, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const packages = readdirSync(join(root, 'packages'), { withFileTypes: true }).filter((d) => d.isDirectory());
const long = packages.flatMap((pkg) => {
  const src = join(root, 'packages', pkg.name, 'src');
  try {
    return sourceFiles(src).flatMap(longFunctions);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
});
for (const f of long) console.log(`${f.file}:${f.line} ${f.name} is ${f.lines} lines (max ${MAX})`);
if (long.length > 0) {
  console.log(`${long.length} function(s) over ${MAX} lines: split them into named steps`);
  process.exit(1);
}
console.log(`no function in packages/*/src is over ${MAX} lines`);
