// Start a dry run of a promoted model through the library: replay the last hours of a stored 1m dataset
// bar by bar through the model-signal strategy (the same simulator and guardrails as a backtest),
// collect the signals it emits, then read the session's journal and record back from disk.
// Needs a data root and a models root with a champion, e.g. what examples/train-evaluate-promote.ts
// leaves in its work dir:
//   npx tsx examples/train-evaluate-promote.ts work && npx tsx examples/dry-run-signals.ts work
// Usage: npx tsx examples/dry-run-signals.ts [work-dir] [model-name] [symbol] [hours]
//        (defaults: ./, lstm-SIG-BTC-1m, SIG-BTC, 4; the runs root is work-dir/runs)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuffError, decodeLines } from '@buff/core';
import {
  JOURNAL_FILE,
  readSession,
  runDryRun,
  type JournalEntry,
  type ModelResolver,
  type SignalRecord,
} from '@buff/engine';
import { readDatasetManifest } from '@buff/ingest';
import { openModelRegistry, readKillSwitchSync, type ModelAlias } from '@buff/registry';

const work = process.argv[2] ?? '.';
const name = process.argv[3] ?? 'lstm-SIG-BTC-1m';
const symbol = process.argv[4] ?? 'SIG-BTC';
const hours = Number(process.argv[5] ?? 4);
const dataRoot = join(work, 'data');
const runsRoot = join(work, 'runs');

// The replay covers the dataset's last `hours` hours (the window's end is exclusive).
const manifest = await readDatasetManifest(dataRoot, symbol);
const last = Date.parse(manifest.tables['1m']?.last ?? '');
const until = new Date(last + 60_000);
const since = new Date(until.getTime() - hours * 3_600_000);

const registry = await openModelRegistry({ modelsRoot: join(work, 'models') });
// The strategy names the model by alias; the resolver pins the version the alias points at now.
const resolveModel: ModelResolver = async (ref) => {
  const alias = (ref.alias ?? 'champion') as ModelAlias;
  const found = await registry.resolve(ref.name, alias);
  if (!found) throw new BuffError('NOT_FOUND', `no ${alias} of model ${ref.name}`);
  return { name: found.name, version: found.version, modelId: String(found.card.modelId), dir: found.dir };
};

const emitted: SignalRecord[] = [];
try {
  const result = await runDryRun({
    runsRoot,
    dataRoot,
    feed: 'replay',
    config: {
      name: `dry run of ${name}`,
      strategy: { name: 'model-signal', params: { model: { name, alias: 'champion' } } },
      symbols: [symbol],
      timeframe: '1m',
      window: { since: since.toISOString(), until: until.toISOString() },
      allowShort: true,
    },
    resolveModel,
    killSwitchOn: () => readKillSwitchSync(runsRoot).on,
    onSignal: (signal) => emitted.push(signal),
  });
  for (const s of emitted.slice(0, 5))
    console.log(`${s.ts} ${s.action} p(up)=${s.probability.toFixed(3)} tier ${s.tier} (${s.model} v${s.version})`);

  // What a reader sees on disk: the session record and one checksummed journal line per bar.
  const session = readSession(runsRoot, result.sessionId);
  const journal = decodeLines<JournalEntry>(readFileSync(join(result.dir, JOURNAL_FILE))).entries;
  const journaled = journal.filter((e) => e.signal && !e.rateLimited).map((e) => e.signal as SignalRecord);
  console.log(
    JSON.stringify({
      sessionId: result.sessionId,
      status: session.status,
      model: session.model,
      bars: session.counts.bars,
      signals: emitted.length,
      journaledSignals: journaled.length,
      sameSignals: JSON.stringify(journaled) === JSON.stringify(emitted),
      firstSignal: emitted[0] ?? null,
    }),
  );
} finally {
  await registry.close();
}
