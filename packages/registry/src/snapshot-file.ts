import { readFileSync } from 'node:fs';
import { writeFileAtomicWith } from '@buff/core';
import type { JsonRecord } from './storage-driver.js';

/**
 * `.index/snapshot.json` of the fs driver. Format 2 (written now) keeps each collection as two
 * parallel arrays sorted by id, which parse faster than one object with a key per record; format 1
 * (`{ collections: { <name>: { <id>: record } } }`) is still read.
 */
type Snapshot =
  | { format: 1; collections: Record<string, Record<string, JsonRecord>> }
  | { format: 2; collections: Record<string, { ids: string[]; records: JsonRecord[] }> };

/** Records per JSON.stringify call while writing: small strings, no 40 MB string and its 40 MB copy. */
const CHUNK = 2_000;

/**
 * Reads a snapshot file into collection -> id -> record (throws on unreadable JSON).
 * @example const state = readSnapshot('runs/.index/snapshot.json');
 */
export function readSnapshot(path: string): Map<string, Map<string, JsonRecord>> {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const state = new Map<string, Map<string, JsonRecord>>();
  if (snapshot.format !== 2) {
    for (const [collection, records] of Object.entries(snapshot.collections))
      state.set(collection, new Map(Object.entries(records)));
    return state;
  }
  for (const [collection, { ids, records }] of Object.entries(snapshot.collections)) {
    const map = new Map<string, JsonRecord>();
    for (let i = 0; i < ids.length; i += 1) map.set(ids[i] as string, records[i] as JsonRecord);
    state.set(collection, map);
  }
  return state;
}

/**
 * Writes the whole index as a format-2 snapshot, atomically (temp file, fsync, rename, fsync of
 * the folder), streaming it in chunks. Sorted by id: the same index gives the same bytes.
 * @example writeSnapshot('runs/.index/snapshot.json', new Map([['runs', new Map([['a', { id: 'a' }]])]]));
 */
export function writeSnapshot(path: string, state: Map<string, Map<string, JsonRecord>>): void {
  writeFileAtomicWith(path, (put) => {
    put('{"format":2,"collections":{');
    let first = true;
    for (const [collection, records] of state) {
      const ids = [...records.keys()].sort();
      put(`${first ? '' : ','}${JSON.stringify(collection)}:{"ids":${JSON.stringify(ids)},"records":[`);
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = JSON.stringify(ids.slice(i, i + CHUNK).map((id) => records.get(id)));
        put(`${i === 0 ? '' : ','}${chunk.slice(1, -1)}`);
      }
      put(']}');
      first = false;
    }
    put('}}');
  });
}
