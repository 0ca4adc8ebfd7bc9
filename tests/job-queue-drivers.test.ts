import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { openFsJobQueue } from '../packages/registry/src/jobs/fs-job-queue.js';
import { describeJobQueue } from '../packages/registry/src/jobs/job-queue.cases.js';
import { openPgJobQueue } from '../packages/registry/src/jobs/pg-job-queue.js';
import { startTestPostgres } from './helpers/pg.js';

describeJobQueue('fs', async () => {
  const runsRoot = mkdtempSync(join(tmpdir(), 'buff-jobs-'));
  const open = async () => openFsJobQueue({ runsRoot, heartbeatSeconds: 1 });
  return {
    queue: await open(),
    reopen: open,
    cleanup: async () => rmSync(runsRoot, { recursive: true, force: true }),
    noticeMs: 10_000,
  };
});

const server = await startTestPostgres();
afterAll(() => server?.stop());

// Without a server (and without BUFF_REQUIRE_PG=1, which makes startTestPostgres throw) this half
// is skipped loudly (startTestPostgres prints why).
describe.skipIf(!server)('real PostgreSQL', () => {
  describeJobQueue('pg (pg-boss)', async () => {
    const url = await (server as NonNullable<typeof server>).createDatabase();
    // two rows a page: the list case reads several pages
    const open = () => openPgJobQueue({ url, heartbeatSeconds: 10, superviseSeconds: 1, listPageSize: 2 });
    return { queue: await open(), reopen: open, cleanup: async () => undefined, noticeMs: 40_000 };
  });
});
