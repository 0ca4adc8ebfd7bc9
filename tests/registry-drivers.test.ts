import { afterAll } from 'vitest';
import { describeStorageDriver } from '../packages/registry/src/storage-driver.cases.js';
import { openPgDriver } from '@buff/registry';
import { startTestPostgres } from './helpers/pg.js';

// The shared StorageDriver suite against a real PostgreSQL (the fs driver runs it beside its source).
const server = await startTestPostgres();
afterAll(() => server?.stop());

if (server) {
  describeStorageDriver('postgres', async () => {
    const url = await server.createDatabase();
    return {
      driver: await openPgDriver({ url }),
      reopen: () => openPgDriver({ url }),
      cleanup: async () => undefined,
    };
  });
}
