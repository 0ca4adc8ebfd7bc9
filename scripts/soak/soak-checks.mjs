// The soak's webhook receiver and its pass/fail figures (scripts/soak.mjs; tests/soak-smoke.test.ts).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLines } from '@buff/core';
import { readObservedRun } from '@buff/engine';

/** A webhook receiver on 127.0.0.1 that keeps every POST's body; `settle()` waits for requests in flight. */
export async function startReceiver() {
  const received = [];
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      inFlight--;
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    settle: async () => {
      for (let i = 0; i < 100 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
};

/** RSS between hour H/6..H/4 (12-18 for 72 h) and the last quarter, by simulated hour (bars / 60). */
function rssFigures(samples, hours) {
  const at = (from, to) => samples.filter((s) => s.bars / 60 >= from && s.bars / 60 < to).map((s) => s.rss);
  const early = median(at(hours / 6, hours / 4));
  const late = median(at((3 * hours) / 4, hours + 1));
  return {
    early,
    late,
    growth: late / early - 1,
    samples: samples.length,
    earlyHours: `${hours / 6}-${hours / 4}`,
    lateHours: `${(3 * hours) / 4}-${hours}`,
  };
}

/** Every figure the soak reports, each check with pass/fail. */
export async function collectSoakFigures(run) {
  const dir = join(run.runsRoot, 'dryrun', run.id);
  const journal = decodeLines(readFileSync(join(dir, 'signals.journal'))).entries;
  const seqs = journal.map((e) => e.seq);
  const everyBarOnce = seqs.length === run.total && seqs.every((s, i) => s === i);
  const high = journal.filter((e) => e.signal && !e.rateLimited && e.signal.tier === 'high').map((e) => e.signal.ts);
  const events = run.received.filter((b) => b.event?.sessionId === run.id);
  const firstByKey = new Map();
  for (const b of events) if (!firstByKey.has(b.key)) firstByKey.set(b.key, b.event);
  const resent = events.length - firstByKey.size;
  const distinct = [...firstByKey.values()];
  const notified = distinct.filter((e) => e.kind === 'signal').map((e) => e.barTs);
  const lost = high.filter((ts) => !notified.includes(ts)).length;
  const duplicated = notified.length - new Set(notified).size;
  const blocks = readObservedRun(dir).decisions.filter((d) => d.guardrail === 'max_daily_loss');
  const blockNotices = distinct.filter((e) => e.kind === 'guardrail-block').length;
  const crashNotices = distinct.filter((e) => e.kind === 'session' && e.state === 'crash').length;
  const rss = rssFigures(run.samples, run.hours);
  const result = JSON.parse(run.second.stdout.trim().split('\n').at(-1) ?? '{}');
  const checks = [
    {
      name: 'killed once, resumed to the end',
      figure: `first ${run.first.signal ?? run.first.code}, resume exit ${run.second.code} (${result.status})`,
      pass: run.first.signal === 'SIGKILL' && run.second.code === 0 && result.status === 'completed',
    },
    {
      name: 'every bar handled once',
      figure: `${seqs.length} journal lines for ${run.total} bars`,
      pass: everyBarOnce,
    },
    {
      name: 'high-tier signals notified, none lost or duplicated',
      figure: `${high.length} emitted, ${notified.length} notified, ${lost} lost, ${duplicated} duplicated (${resent} re-sent with the same key)`,
      pass: high.length > 0 && lost === 0 && duplicated === 0 && notified.length === high.length,
    },
    {
      name: 'the crash notified at the resume',
      figure: `${crashNotices} crash notification(s)`,
      pass: crashNotices === 1,
    },
    {
      name: 'FTMO daily loss blocked and notified',
      figure: `${blocks.length} blocked decision(s), ${blockNotices} block notification(s)`,
      pass: blocks.length > 0 && blockNotices > 0,
    },
    { name: 'RSS growth under 10%', figure: `${(rss.growth * 100).toFixed(1)}%`, pass: rss.growth < 0.1 },
    {
      name: 'observation summary reconciles',
      figure: `${run.report.differences} difference(s), ${run.report.unexplained} unexplained`,
      pass: run.report.differences === 0 && run.report.unexplained === 0,
    },
  ];
  return {
    hours: run.hours,
    total: run.total,
    killedAt: run.samples.filter((s) => s.pid === run.samples[0]?.pid).at(-1)?.bars ?? 0,
    seconds: run.seconds,
    signals: { emitted: high.length, notified: notified.length, lost, duplicated, resent },
    rss,
    checks,
    criteria: run.report.criteria,
    passed: checks.every((c) => c.pass),
  };
}
