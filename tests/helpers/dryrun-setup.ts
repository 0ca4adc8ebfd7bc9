import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelResolver } from '@buff/engine';
import { openModelRegistry, type ModelAlias, type ModelRegistry } from '@buff/registry';
import { lastJson, runBuff } from './cli.js';

/** A dry-run test config (model-signal on the fixture model), as YAML lines for `symbols`. */
export function dryConfigYaml(
  symbols: string[],
  window = { since: '2024-01-04T00:00:00Z', until: '2024-01-04T08:00:00Z' },
) {
  return [
    'name: dry run parity',
    'strategy: { name: model-signal, params: { model: { name: sig } } }',
    `symbols: [${symbols.join(', ')}]`,
    'timeframe: 1m',
    `window: { since: "${window.since}", until: "${window.until}" }`,
    'allowShort: true',
    'guardrails: { preset: ftmo-2step }',
  ].join('\n');
}

/** `buff run build` of a config file: the bytes of its decisions.arrow and trades.arrow. */
export async function backtestBytes(
  dir: string,
  yaml: string,
  roots: string[],
): Promise<{ decisions: Buffer; trades: Buffer }> {
  const path = join(dir, `bt-${Math.random().toString(16).slice(2)}.yml`);
  writeFileSync(path, `${yaml}\n`);
  const built = await runBuff(['run', 'build', '--config', path, ...roots, '--json']);
  if (built.code !== 0) throw new Error(`buff run build exited ${built.code}: ${built.stderr}`);
  const { runDir } = lastJson<{ runDir: string }>(built.stdout);
  return {
    decisions: readFileSync(join(runDir, 'decisions.arrow')),
    trades: readFileSync(join(runDir, 'trades.arrow')),
  };
}

/** An engine model resolver over a ModelRegistry (what the CLI binds), for in-process sessions. */
export async function registryResolver(
  modelsRoot: string,
): Promise<{ resolveModel: ModelResolver; registry: ModelRegistry }> {
  const registry = await openModelRegistry({ modelsRoot });
  const resolveModel: ModelResolver = async (ref) => {
    const found =
      ref.version !== undefined
        ? await registry.getVersion(ref.name, ref.version)
        : await registry.resolve(ref.name, (ref.alias ?? 'champion') as ModelAlias);
    if (!found) throw new Error(`no model ${ref.name}`);
    return { name: found.name, version: found.version, modelId: found.card.modelId as string, dir: found.dir };
  };
  return { resolveModel, registry };
}
