import { afterAll, describe } from 'vitest';
import { describeStorageDriver } from '../packages/registry/src/storage-driver.cases.js';
import { openPgDriver } from '@buff/registry';
import { startTestPostgres } from './helpers/pg.js';

// The shared StorageDriver suite against a real PostgreSQL (the fs driver runs it beside its source).
const server = await startTestPostgres();
afterAll(() => server?.stop());

// Without a server (and without BUFF_REQUIRE_PG=1, which makes startTestPostgres throw) the suite
// shows as skipped, after the helper's loud warning.
describe.skipIf(!server)('real PostgreSQL', () => {
  describeStorageDriver('postgres', async () => {
    const url = await (server as NonNullable<typeof server>).createDatabase();
    return {
      driver: await openPgDriver({ url }),
      reopen: () => openPgDriver({ url }),
      cleanup: async () => undefined,
    };
  });
});
