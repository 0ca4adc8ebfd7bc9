import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFsDriver } from './fs-driver.js';
import { describeStorageDriver } from './storage-driver.cases.js';

describeStorageDriver('fs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'buff-fsdriver-'));
  return {
    driver: openFsDriver({ root, compactAfter: 3 }),
    reopen: async () => openFsDriver({ root }),
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
});
