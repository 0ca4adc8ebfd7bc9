import { testNotifiers } from '../commands/notify.js';
import type { PreflightCheck } from './preflight-check.js';

/** Every configured notifier is reachable (`buff notify test --dry`: nothing is sent). None configured passes, said so. */
export function notifiersCheck(config: string | undefined): PreflightCheck {
  return {
    name: 'notifiers',
    async run() {
      const { notifiersFromEnv } = await import('@buff/engine');
      if (notifiersFromEnv(process.env).length === 0) return [{ ok: true, detail: 'none configured' }];
      const results = await testNotifiers({ dry: true, ...(config === undefined ? {} : { config }) });
      return results.map((r) => ({
        check: `notifier ${r.notifier}`,
        ok: r.ok,
        detail: r.ok ? 'reachable' : (r.problem ?? 'failed'),
      }));
    },
  };
}

/** PostgreSQL answers `select 1` when a URL is configured (BUFF_PG_URL or --pg-url); passes, said so, when none is. */
export function postgresCheck(url: string | undefined): PreflightCheck {
  return {
    name: 'postgres',
    async run() {
      if (url === undefined || url === '') return [{ ok: true, detail: 'not configured' }];
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      client.on('error', () => undefined); // a dropped connection is reported by the query below
      try {
        await client.connect();
        await client.query('select 1');
        return [{ ok: true, detail: `reachable (${redactUrl(url)})` }];
      } catch (err) {
        return [{ ok: false, detail: `unreachable (${redactUrl(url)}): ${(err as Error).message}` }];
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** The URL without its password. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}
