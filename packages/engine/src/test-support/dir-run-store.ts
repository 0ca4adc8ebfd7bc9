import { mkdirSync, mkdtempSync, renameSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeArtifactFile, type RunStore } from '@buff/core';

/** A minimal RunStore for engine unit tests (the real one is @buff/registry): staging + rename. */
export function dirRunStore(root: string): RunStore {
  mkdirSync(join(root, '.staging'), { recursive: true });
  return {
    root,
    runDir: (runId) => join(root, runId),
    has: async (runId) => existsSync(join(root, runId)),
    createStaging: async (runId) => mkdtempSync(join(root, '.staging', `${runId}-`)),
    writeArtifact: async (stagingDir, file, chunks) => (await writeArtifactFile(stagingDir, file, chunks)).entry,
    publish: async (runId, stagingDir) => {
      if (existsSync(join(root, runId))) {
        rmSync(stagingDir, { recursive: true, force: true });
        return false;
      }
      renameSync(stagingDir, join(root, runId));
      return true;
    },
    discard: async (stagingDir) => rmSync(stagingDir, { recursive: true, force: true }),
  };
}
