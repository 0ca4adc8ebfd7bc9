import { RecordBatchFileWriter, type Table } from 'apache-arrow';

/**
 * A table's Arrow IPC file bytes (the same bytes as `tableToIPC(table, 'file')`) as the writer
 * emits them: metadata, then each column's buffer as it is, with no joined copy of the table.
 * @example await writeArtifactFile(dir, 'bars.arrow', await tableToIpcChunks(table));
 */
export async function tableToIpcChunks(table: Table): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of RecordBatchFileWriter.writeAll(table)) chunks.push(chunk);
  return chunks;
}
