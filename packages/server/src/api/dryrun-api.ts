import type * as express from 'express';
import {
  listSessions,
  readJournalFrom,
  readSession,
  readSessionSnapshot,
  sessionGuardrails,
  type SessionRecord,
} from '@buff/engine';
import type { ServerContext } from '../server-context.js';
import { emptyTally, liveJson, tallyEntries } from './dryrun-tally.js';

/** How often the event stream looks at the session's files, and the most entries sent on connect. */
const POLL_MS = 400;
const BACKLOG = 300;
/** An event stream ends after this long (the browser's EventSource reconnects by itself). */
const STREAM_MS = 10 * 60_000;

/**
 * GET /api/dryrun (sessions), /api/dryrun/:id (one session) and /api/dryrun/:id/events: server-sent
 * events from the session's files, read-only: `entry` per journal line (bar, signal, refusal), `session`
 * when its record changes (status, counts), `snapshot` when a new Arrow snapshot lands (equity,
 * guardrail blocks), `live` when the counts over the whole journal (bars, signals, trades, refused and
 * gap bars, guardrail blocks by rule and the last one) or the kill switch change, `guardrail` when a
 * lane's guardrail state in runtime.json changes (today's loss floor, equity, distance), `end` once a session
 * that is no longer running has been sent in full.
 */
export function mountDryrunApi(router: express.Router, ctx: ServerContext): void {
  router.get('/api/dryrun', (_req, res) => {
    res.json({ sessions: listSessions(ctx.runsRoot) });
  });
  router.get('/api/dryrun/:id', (req, res) => {
    res.json(readSession(ctx.runsRoot, String(req.params.id)));
  });
  router.get('/api/dryrun/:id/events', (req, res) => {
    const id = String(req.params.id);
    readSession(ctx.runsRoot, id); // unknown or malformed id: the error handler answers before the stream opens
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    streamSession(ctx, id, req, res);
  });
}

function streamSession(ctx: ServerContext, id: string, req: express.Request, res: express.Response): void {
  const send = (event: string, data: unknown): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const started = Date.now();
  let offset = 0;
  let first = true;
  let lastSession = '';
  let lastSnapshot = -1;
  let lastLive = '';
  let lastGuardrail = '';
  const tally = emptyTally();
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    res.end();
  };
  req.on('close', stop);
  const tick = (): void => {
    timer = undefined;
    if (res.writableEnded) return;
    try {
      const session: SessionRecord = readSession(ctx.runsRoot, id);
      const read = readJournalFrom(ctx.runsRoot, id, offset);
      offset = read.offset;
      const entries = first ? read.entries.slice(-BACKLOG) : read.entries;
      first = false;
      for (const entry of entries) send('entry', entry);
      tallyEntries(
        tally,
        read.entries,
        session.lanes.map((l) => l.symbol),
      );
      const live = liveJson(tally, ctx.runsRoot);
      if (live !== lastLive) res.write(`event: live\ndata: ${live}\n\n`);
      lastLive = live;
      const text = JSON.stringify(session);
      if (text !== lastSession) send('session', session);
      lastSession = text;
      const guardrail = JSON.stringify(sessionGuardrails(ctx.runsRoot, id));
      if (guardrail !== lastGuardrail) res.write(`event: guardrail\ndata: ${guardrail}\n\n`);
      lastGuardrail = guardrail;
      const snapshot = readSessionSnapshot(ctx.runsRoot, id);
      if (snapshot && snapshot.mtimeMs !== lastSnapshot) {
        lastSnapshot = snapshot.mtimeMs;
        send('snapshot', { equity: snapshot.equity.slice(-500), guardrailBlocks: snapshot.guardrailBlocks });
      }
      const caughtUp = read.entries.length === 0;
      if ((session.status !== 'running' && caughtUp) || Date.now() - started > STREAM_MS) {
        send('end', { status: session.status });
        stop();
        return;
      }
    } catch (err) {
      send('error', { message: (err as Error).message });
      stop();
      return;
    }
    timer = setTimeout(tick, POLL_MS);
  };
  tick();
}
