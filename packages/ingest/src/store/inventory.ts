import { TIMEFRAMES, type DatasetManifest, type Timeframe } from '@buff/core';
import { listDatasets } from './list-datasets.js';

/** One stored table as the inventory shows it. */
export interface InventoryRow {
  symbol: string;
  timeframe: Timeframe;
  rows: number;
  first: string | null;
  last: string | null;
  gaps: number;
  contentId: string;
  source: DatasetManifest['source']['kind'];
}

const HEADER = ['symbol', 'timeframe', 'rows', 'first', 'last', 'gaps', 'content id', 'source'];

/**
 * Every stored table under the root, by symbol then timeframe (1m first).
 * @example const rows = await datasetInventory('data');
 */
export async function datasetInventory(dataRoot: string): Promise<InventoryRow[]> {
  const rows: InventoryRow[] = [];
  for (const manifest of await listDatasets(dataRoot)) {
    for (const timeframe of TIMEFRAMES) {
      const table = manifest.tables[timeframe];
      if (!table) continue;
      rows.push({
        symbol: manifest.symbol,
        timeframe,
        rows: table.rows,
        first: table.first,
        last: table.last,
        gaps: table.gapCount,
        contentId: table.contentId,
        source: manifest.source.kind,
      });
    }
  }
  return rows;
}

/**
 * The inventory as an aligned plain-text table (content ids shortened to 12 hex).
 * @example console.log(formatInventoryText(await datasetInventory('data')));
 */
export function formatInventoryText(rows: InventoryRow[]): string {
  if (rows.length === 0) return 'no datasets';
  const cells = [HEADER, ...rows.map(toCells)];
  const widths = HEADER.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The inventory as a markdown document (the table kept in reports/data_inventory.md).
 * @example writeFileAtomic('reports/data_inventory.md', formatInventoryMarkdown(rows));
 */
export function formatInventoryMarkdown(rows: InventoryRow[]): string {
  const lines = ['# Data inventory', '', `| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${toCells(row).join(' | ')} |`);
  if (rows.length === 0) lines.push('', 'No datasets.');
  return `${lines.join('\n')}\n`;
}

function toCells(row: InventoryRow): string[] {
  return [
    row.symbol,
    row.timeframe,
    String(row.rows),
    row.first ?? '-',
    row.last ?? '-',
    String(row.gaps),
    row.contentId.slice(0, 12),
    row.source,
  ];
}
