// Ingest a CSV of real exchange candles into a dataset store and read its quality report.
// Usage: npx tsx examples/ingest-quality.ts [file.csv] [data-root]
// (defaults: the real XRP/ETH 1m candles of tests/fixtures/real, ./data)
import { BuffError } from '@buff/core';
import { formatQualitySummary, ingestCsv, readQualityReport } from '@buff/ingest';

const input = process.argv[2] ?? new URL('../tests/fixtures/real/xrp_eth_1m.csv', import.meta.url).pathname;
const dataRoot = process.argv[3] ?? 'data';

try {
  // Gaps stay gaps: the ingest refuses them unless allowed, and then lists them in the report.
  const result = await ingestCsv(input, { symbol: 'XRP-ETH', allowGaps: true, dataRoot });
  console.log(formatQualitySummary(result.quality).join('\n'));
  // The same report, read back from the store (the report dataset.json names).
  const stored = await readQualityReport(dataRoot, 'XRP-ETH');
  if (stored === undefined) throw new Error(`no quality report under ${dataRoot}/XRP-ETH`);
  const largest = [...stored.gaps].sort((a, b) => b.missing - a.missing)[0];
  console.log(`largest gap: ${largest?.missing ?? 0} bars from ${largest?.from ?? '-'}`);
  console.log(
    JSON.stringify({
      rows: stored.rows,
      gapCount: stored.gapCount,
      missingBars: stored.missingBars,
      contentId: result.dataset?.contentId,
    }),
  );
} catch (err) {
  // Bad input is a BuffError with a code naming the rule, and its message names the file and line.
  if (err instanceof BuffError) console.error(`refused: ${err.code}: ${err.message}`);
  throw err;
}
