import { BuffError } from '@buff/core';
import { openFsDriver } from './fs-driver.js';
import { openPgDriver } from './pg-driver.js';
import type { StorageDriver } from './storage-driver.js';

export interface DriverChoice {
  driver?: 'fs' | 'postgres';
  /** PostgreSQL connection string (postgres driver). */
  pgUrl?: string;
}

/**
 * Opens the chosen storage driver for a registry root (`fs` keeps its index in `<root>/.index/`).
 * @example const driver = await openDriver('runs', { driver: 'postgres', pgUrl });
 */
export async function openDriver(root: string, choice: DriverChoice): Promise<StorageDriver> {
  const kind = choice.driver ?? 'fs';
  if (kind === 'fs') return openFsDriver({ root });
  if (!choice.pgUrl) {
    throw new BuffError(
      'INVALID_CONFIG',
      'the postgres driver needs a connection string (pgUrl / --pg-url / BUFF_PG_URL)',
      { details: { key: 'pgUrl' } },
    );
  }
  return openPgDriver({ url: choice.pgUrl });
}
