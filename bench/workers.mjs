// Workers (issue 14 speed): the same sweep run through the fs job queue by one built `buff worker`
// and by two, on this machine. Each round starts N idle workers (their start-up is not timed), then
// times `buff sweep --driver fs` from submit to report (whole process of the built CLI: it loads the
// data, queues the cells, waits, and writes the report). Rounds alternate 1, 2, 1, 2... on fresh runs
// roots; the two reports must be byte-identical. Besides wall clock, the workers' CPU time while the
// sweep ran is read from /proc (utime + stime): on a shared machine the wall-clock ratio depends on
// the other load, the CPU time per cell does not.
// BENCH_WORKERS_ROWS (bars, default 1,000,000), BENCH_WORKERS_SLOW (slow values, default 50: cells =
// 20 x slow), BENCH_WORKERS_RUNS (rounds, default 2), BENCH_WORKERS_PER_JOB (--cells-per-job; default the CLI's). Prints a markdown section.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { freshDir, smaCrossConfig, writeBenchDataset } from './lib/bench-dataset.mjs';
import { median } from './lib/reference.mjs';

const ROWS = Number(process.env.BENCH_WORKERS_ROWS ?? 1_000_000);
const SLOW_N = Number(process.env.BENCH_WORKERS_SLOW ?? 50);
const RUNS = Math.max(1, Number(process.env.BENCH_WORKERS_RUNS ?? 2));
const REPO = resolve(new URL('..', import.meta.url).pathname);
const TMP = join(REPO, 'bench/tmp/workers');
const DATA_ROOT = join(TMP, 'data');
const BIN = join(REPO, 'packages/cli/bin/buff.js');
const ENV = { ...process.env, BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require' };
const FAST = Array.from({ length: 20 }, (_, i) => 2 + i); // 2..21
const SLOW = Array.from({ length: SLOW_N }, (_, i) => 25 + 2 * i);
const CELLS = FAST.length * SLOW.length;
const TICK_S = 1 / 100; // USER_HZ on Linux

const ingest = await import(join(REPO, 'packages/ingest/dist/index.js'));
const registry = await import(join(REPO, 'packages/registry/dist/index.js'));
const PER_JOB = process.env.BENCH_WORKERS_PER_JOB;
freshDir(TMP);
const { window } = await writeBenchDataset(ingest, DATA_ROOT, ROWS);
writeFileSync(join(TMP, 'base.json'), JSON.stringify(smaCrossConfig('bench workers', { fast: 10, slow: 31 }, window)));
const SWEEP = join(TMP, 'sweep.json');
const grid = { 'strategy.params.fast': FAST, 'strategy.params.slow': SLOW };
writeFileSync(
  SWEEP,
  JSON.stringify({ name: 'workers', base: 'base.json', grid, walkForward: { folds: 4 }, keep: 'none' }),
);
// the next sweep a researcher runs on the same data: other slow values (odd), the same fast ones
const SWEEP_NEXT = join(TMP, 'sweep-next.json');
const gridNext = { ...grid, 'strategy.params.slow': SLOW.map((s) => s + 1) };
writeFileSync(
  SWEEP_NEXT,
  JSON.stringify({ name: 'workers next', base: 'base.json', grid: gridNext, walkForward: { folds: 4 }, keep: 'none' }),
);
const HUGE_PAGES = /glibc\.malloc\.hugetlb=[12]/.test(process.env.GLIBC_TUNABLES ?? '');

/** CPU seconds (user + system) a live process has used so far. */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_S;
};

/** CPU seconds of this process's children that have exited and been waited for (cutime + cstime). */
const reapedChildrenCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_S;
};

/** Starts a built `buff worker` and resolves once it says it is on the queue. */
const startWorker = (runsRoot) =>
  new Promise((resolveReady, reject) => {
    const child = spawn(process.execPath, [BIN, 'worker', '--runs-root', runsRoot, '--data-root', DATA_ROOT], {
      cwd: REPO,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err = (err + chunk).slice(-4000)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('on the fs queue')) resolveReady(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready: ${err}`)));
  });

const stopWorker = (child) =>
  new Promise((done) => {
    child.removeAllListeners('exit');
    child.once('exit', done);
    child.kill('SIGTERM');
  });

/**
 * Runs `buff sweep --driver fs` to the end: its wall time, the time from its cells being queued to
 * its exit, and the coordinator's CPU: the whole process (from the reaped child's rusage) and while
 * it waited for the workers (sampled from /proc at the queued line and every 50 ms until it ends).
 */
const runSweep = (runsRoot, config = SWEEP) =>
  new Promise((done, reject) => {
    const args = [
      BIN,
      'sweep',
      '--config',
      config,
      '--driver',
      'fs',
      '--runs-root',
      runsRoot,
      '--data-root',
      DATA_ROOT,
    ];
    if (PER_JOB) args.push('--cells-per-job', PER_JOB);
    const reaped0 = reapedChildrenCpu();
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let queuedAt;
    let queuedEpoch;
    let cpuQueued;
    let cpuLast;
    let waitedUntil;
    const sample = setInterval(() => {
      try {
        const cpu = cpuSeconds(child.pid);
        if (queuedAt !== undefined && cpuQueued === undefined) cpuQueued = cpu;
        // the wait ends when the last job is done; the report is written after the line saying so
        if (waitedUntil === undefined) cpuLast = cpu;
      } catch {}
    }, 50);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (queuedAt === undefined && stderr.includes('jobs on the fs job queue')) {
        queuedAt = performance.now();
        queuedEpoch = Date.now();
        cpuQueued = cpuSeconds(child.pid);
      }
      const all = /(\d+)\/(\d+) jobs done/g;
      let m;
      let last;
      while ((m = all.exec(stderr)) !== null) last = m;
      if (waitedUntil === undefined && last && last[1] === last[2]) {
        waitedUntil = performance.now();
        cpuLast = cpuSeconds(child.pid);
      }
    });
    child.once('close', (code) => {
      clearInterval(sample);
      const end = performance.now();
      const endEpoch = Date.now();
      if (code !== 0 || queuedAt === undefined) reject(new Error(`buff sweep failed (${code}): ${stderr}`));
      else
        done({
          ms: end - start,
          submitMs: end - queuedAt,
          queuedEpoch,
          endEpoch,
          stdout,
          coordinatorCpu: reapedChildrenCpu() - reaped0,
          waitCpu: (cpuLast ?? cpuQueued) - cpuQueued,
          waitMs: (waitedUntil ?? end) - queuedAt,
        });
    });
  });

/**
 * Where the time went, from the job records (ms timestamps) and the sweep's exit: per worker its
 * jobs' summed run time and first job; for the sweep, the pickup (first job submitted -> first job
 * started; the coordinator goes on submitting meanwhile), the warm-up (a worker's first job less a median job: its data load and first indicator
 * series), the tail (the last job done -> the other worker's last, idle meanwhile) and the report
 * (last job done -> `buff sweep` exited: results read, report computed and written).
 */
const timeline = async (runsRoot, queuedEpoch, endEpoch) => {
  const queue = registry.openFsJobQueue({ runsRoot });
  const jobs = await queue.list({ kind: 'sweep-cell', limit: 100_000 });
  await queue.close();
  const byWorker = new Map();
  for (const job of jobs) byWorker.set(job.worker, [...(byWorker.get(job.worker) ?? []), job]);
  const medianJob = median(jobs.map((j) => Date.parse(j.finishedAt) - Date.parse(j.startedAt)));
  const firstStarts = [];
  const lastEnds = [];
  const warmUps = [];
  for (const [worker, list] of byWorker) {
    const spans = list.map((j) => [Date.parse(j.startedAt), Date.parse(j.finishedAt)]).sort((a, b) => a[0] - b[0]);
    const busy = spans.reduce((sum, [a, b]) => sum + (b - a), 0);
    const first = spans[0][0];
    const last = spans[spans.length - 1][1];
    const firstJob = spans[0][1] - spans[0][0];
    firstStarts.push(first);
    lastEnds.push(last);
    warmUps.push(firstJob - medianJob);
    process.stderr.write(
      `  ${worker}: ${list.length} jobs, in jobs ${busy} ms of ${last - first} ms (first job ${firstJob} ms, median job ${medianJob} ms)\n`,
    );
  }
  const lastDone = Math.max(...lastEnds);
  return {
    pickupMs: Math.min(...firstStarts) - Math.min(...jobs.map((j) => Date.parse(j.createdAt))),
    submitSpanMs: queuedEpoch - Math.min(...jobs.map((j) => Date.parse(j.createdAt))),
    warmUpMs: Math.max(...warmUps),
    tailMs: lastDone - Math.min(...lastEnds),
    reportMs: endEpoch - lastDone,
    jobMs: medianJob,
  };
};

const round = async (workers, name) => {
  const runsRoot = join(TMP, name);
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(runsRoot)));
  const cpu0 = children.map((c) => cpuSeconds(c.pid));
  const load0 = loadavg()[0];
  const result = await runSweep(runsRoot);
  const cpu = children.map((c, i) => cpuSeconds(c.pid) - cpu0[i]);
  const report = reportOf(result);
  const spans = await timeline(runsRoot, result.queuedEpoch, result.endEpoch);
  // the same workers, the next sweep on the same data: they hold its bars and the fast series
  const next = await runSweep(runsRoot, SWEEP_NEXT);
  await Promise.all(children.map(stopWorker));
  process.stderr.write(`workers ${workers}, next sweep: ${next.submitMs.toFixed(0)} ms from submit\n`);
  process.stderr.write(
    `workers ${workers}: ${result.ms.toFixed(0)} ms (${result.submitMs.toFixed(0)} ms from submit, ${result.waitMs.toFixed(0)} ms waiting for the workers), worker cpu ${cpu.map((s) => s.toFixed(1)).join(' + ')} s, coordinator cpu ${result.coordinatorCpu.toFixed(2)} s (${result.waitCpu.toFixed(2)} s while waiting), load ${load0.toFixed(1)}; pickup ${spans.pickupMs} ms, warm-up ${spans.warmUpMs} ms, tail ${spans.tailMs} ms, report ${spans.reportMs} ms\n`,
  );
  const { ms, submitMs, coordinatorCpu, waitCpu, waitMs } = result;
  const nextReport = reportOf(next);
  return {
    ms,
    submitMs,
    nextMs: next.submitMs,
    coordinatorCpu,
    waitCpu,
    waitMs,
    cpu,
    load: [load0, loadavg()[0]],
    report,
    nextReport,
    spans,
  };
};

/** The report.json of a finished sweep (human output, so that the line saying the cells are queued is printed). */
const reportOf = (result) => {
  const dir = /^folder (.+)$/m.exec(result.stdout)?.[1];
  if (!dir || !result.stdout.includes(`\n${CELLS} cells swept`))
    throw new Error(`unexpected sweep output ${result.stdout}`);
  return readFileSync(join(dir, 'report.json'), 'utf8');
};

/**
 * The machine's own ceiling for this work: the same warm cells (every indicator series cached, no
 * queue, no data load) simulated by one process alone, then by two at once, CEILING_RUNS times each,
 * alternating. Two processes taking longer per cell than one is contention of the two cores (shared
 * caches and memory bandwidth, or a hypervisor's), which no job distribution can remove.
 */
const ceiling = async () => {
  const base = readFileSync(join(TMP, 'base.json'), 'utf8');
  const args = [
    join(REPO, 'bench/lib/cell-loop.mjs'),
    REPO,
    DATA_ROOT,
    base,
    FAST.join(','),
    SLOW.slice(0, 5).join(','),
  ];
  const children = await Promise.all(
    [0, 1].map(
      () =>
        new Promise((ready, reject) => {
          const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
          const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
          lines.next().then(({ value }) => (value === 'ready' ? ready({ child, lines }) : reject(new Error(value))));
          child.once('error', reject);
        }),
    ),
  );
  const go = async (list) => {
    const loadBefore = loadavg()[0];
    for (const { child } of list) child.stdin.write('go\n');
    const out = await Promise.all(list.map(async ({ lines }) => JSON.parse((await lines.next()).value)));
    return {
      ms: Math.max(...out.map((o) => o.ms)),
      cpuMs: out.reduce((a, o) => a + o.cpuMs, 0) / out.length,
      load: loadBefore,
    };
  };
  const alone = [];
  const paired = [];
  for (let i = 0; i < CEILING_RUNS; i++) {
    alone.push(await go(children.slice(0, 1)));
    paired.push(await go(children));
  }
  for (const { child } of children) child.stdin.end();
  const cells = FAST.length * 5;
  const perCell = (list) => median(list.map((r) => r.ms)) / cells;
  return { alone: perCell(alone), paired: perCell(paired), loads: [...alone, ...paired].map((r) => r.load) };
};
const CEILING_RUNS = 3;
const hw = await ceiling();
process.stderr.write(
  `ceiling: ${hw.alone.toFixed(1)} ms per cell alone, ${hw.paired.toFixed(1)} ms with two at once (loads ${hw.loads.map((l) => l.toFixed(1)).join(' ')})\n`,
);

const rounds = { 1: [], 2: [] };
for (let i = 0; i < RUNS; i++) for (const n of [1, 2]) rounds[n].push(await round(n, `r${i}-w${n}`));
const reports = new Set([...rounds[1], ...rounds[2]].map((r) => r.report));
if (reports.size !== 1) throw new Error('the sweep reports of 1 and 2 workers differ');
if (new Set([...rounds[1], ...rounds[2]].map((r) => r.nextReport)).size !== 1)
  throw new Error('the next sweep reports of 1 and 2 workers differ');
const nextSpeedUp = median(rounds[1].map((r) => r.nextMs)) / median(rounds[2].map((r) => r.nextMs));

const wall = (n) => median(rounds[n].map((r) => r.ms));
const fromSubmit = (n) => median(rounds[n].map((r) => r.submitMs));
const cpuPerCell = (n) => median(rounds[n].map((r) => r.cpu.reduce((a, b) => a + b, 0))) / CELLS;
// what two workers would take on two otherwise idle cores: the busier worker's CPU time
const busiest = median(rounds[2].map((r) => Math.max(...r.cpu)));
const oneCpu = median(rounds[1].map((r) => r.cpu[0]));
const loads = [...rounds[1], ...rounds[2]].flatMap((r) => r.load);
const fmt = (n) =>
  rounds[n]
    .map(
      (r) =>
        `${(r.ms / 1000).toFixed(1)} s (cpu ${r.cpu.map((s) => s.toFixed(1)).join(' + ')} s, load ${r.load.map((l) => l.toFixed(1)).join(' -> ')})`,
    )
    .join('; ');
const coordinator = (n) => median(rounds[n].map((r) => r.coordinatorCpu));
const waiting = (n) => median(rounds[n].map((r) => r.waitCpu / (r.waitMs / 1000)));
const speedUp = fromSubmit(1) / fromSubmit(2);
const loadRange = `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`;
// the machine's own speed: one worker's CPU seconds for the same cells, round to round (a VM whose
// host is busy runs the same work slower; the ratio of two runs taken minutes apart then measures that)
const oneCpus = rounds[1].map((r) => r.cpu[0]);
const cpuSpread = Math.max(...oneCpus) / Math.min(...oneCpus) - 1;
const steady = cpuSpread <= 0.1;
const verdict = !steady
  ? `(not settled: one worker's CPU time for the same cells ranged ${Math.min(...oneCpus).toFixed(1)}-${Math.max(...oneCpus).toFixed(1)} s over the rounds, +${(cpuSpread * 100).toFixed(0)}%, so the machine's own speed changed between rounds by more than the margin measured; load ${loadRange})`
  : speedUp >= 1.8
    ? `(measured at load ${loadRange}: >= 1.8x in this run, one worker's CPU time steady within ${(cpuSpread * 100).toFixed(0)}% over the rounds)`
    : `(measured at load ${loadRange}, not yet >= 1.8x)`;
/** The warm-up of one worker alone against two at once: both fault in fresh memory (bars, series) together. */
const warmUpLine = () => {
  const w = (n) => median(rounds[n].map((r) => r.spans.warmUpMs)) / 1000;
  return `A worker's warm-up took ${w(1).toFixed(1)} s alone and ${w(2).toFixed(1)} s with two workers warming up at once: reading the 1M bars into fresh columns and computing its first indicator series (8 MB each) into fresh memory, which two processes fault in at the same time on the two cores (a fresh 8 MB series costs 10-50 ms here against 1-2 ms for its arithmetic in memory already touched).`;
};

/**
 * What two workers could reach at best here: the cells' part of one worker's time scaled by the
 * machine's pairing cost k (two processes at once vs one alone, same warm cells), the serial part
 * (pickup + warm-up + report, paid by one and two workers alike) unchanged, no tail.
 */
const ceilingLine = () => {
  const k = hw.paired / hw.alone;
  const t1 = fromSubmit(1) / 1000;
  const serial = median(rounds[1].map((r) => (r.spans.pickupMs + r.spans.warmUpMs + r.spans.reportMs) / 1000));
  const best = t1 / (serial + ((t1 - serial) * k) / 2);
  const room = 1 / 1.8 - k / 2;
  const needed =
    room > 0
      ? `1.8x needs the serial part <= ${((t1 * room) / (1 - k / 2)).toFixed(1)} s with this k`
      : '1.8x needs k <= 1.11, whatever the serial part';
  const loads = hw.loads.map((l) => l.toFixed(1)).join(', ');
  return `Ceiling of this machine (loads ${loads}): the same warm cells (series cached, no queue, no data load) took ${hw.alone.toFixed(1)} ms per cell in one process alone and ${hw.paired.toFixed(1)} ms in each of two at once (k = ${k.toFixed(2)}). With that k and the serial ${serial.toFixed(1)} s of one worker's sweep (pickup + warm-up + report), two workers reach at best ${best.toFixed(2)}x; ${needed}.`;
};
const lines = [
  '## Workers (issue 14 speed, bench/workers.mjs)',
  '',
  `One sweep of ${CELLS.toLocaleString('en-US')} sma-cross cells (fast ${FAST[0]}..${FAST[FAST.length - 1]} x slow ${SLOW[0]}..${SLOW[SLOW.length - 1]} step 2, walk-forward 4 folds, CSCV 8 blocks, metrics only) on ${ROWS.toLocaleString('en-US')} synthetic 1m bars, through the fs job queue: \`buff sweep --driver fs\` timed from submit to report with 1 and with 2 idle built \`buff worker\`s already started; ${RUNS === 1 ? '1 round' : `${RUNS} rounds alternating`}; reports byte-identical. Load average ${loadRange} during the runs. ${HUGE_PAGES ? 'Workers and `buff sweep` ran with transparent huge pages for their large arrays (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`).' : 'Without huge pages (`GLIBC_TUNABLES` not set: 4 KB pages).'}`,
  '',
  '| workers | median s, submit to report | median s, whole `buff sweep` | worker CPU ms per cell | coordinator CPU s (ms per s while waiting) | rounds (whole process) |',
  '| ---: | ---: | ---: | ---: | ---: | --- |',
  ...[1, 2].map(
    (n) =>
      `| ${n} | ${(fromSubmit(n) / 1000).toFixed(1)} | ${(wall(n) / 1000).toFixed(1)} | ${(cpuPerCell(n) * 1000).toFixed(1)} | ${coordinator(n).toFixed(2)} (${(waiting(n) * 1000).toFixed(1)}) | ${fmt(n)} |`,
  ),
  '',
  `Wall-clock speed-up, 2 workers vs 1, submit to report: **${speedUp.toFixed(2)}x**; whole process (start-up and the sweep's own data load included): ${(wall(1) / wall(2)).toFixed(2)}x ${verdict}.`,
  `The next sweep on the same workers (slow ${SLOW[0] + 1}..${SLOW[SLOW.length - 1] + 1}, same fast values, same data: the workers already hold the bars and the fast series, so there is no warm-up), submit to report: 1 worker ${(median(rounds[1].map((r) => r.nextMs)) / 1000).toFixed(1)} s, 2 workers ${(median(rounds[2].map((r) => r.nextMs)) / 1000).toFixed(1)} s: **${nextSpeedUp.toFixed(2)}x**.`,
  `CPU view: one worker spent ${oneCpu.toFixed(1)} s of CPU; with two, the busier one spent ${busiest.toFixed(1)} s (${(oneCpu / busiest).toFixed(2)}x; a CPU-time estimate, not a wall-clock result); CPU per cell 2 vs 1 workers: ${(cpuPerCell(2) / cpuPerCell(1)).toFixed(2)} (1.00 = no distribution overhead). The coordinator (\`buff sweep\`) spent ${coordinator(2).toFixed(2)} s of CPU in all with two workers, ${(waiting(2) * 1000).toFixed(1)} ms per second while it waited for them.`,
  '',
  "Where the time goes (medians, ms; from the job records): pickup = first job submitted -> first job started; warm-up = a worker's first job less a median job (its data load and first indicator series, paid by every worker); tail = one worker idle at the end; report = last job done -> `buff sweep` exited.",
  '',
  '| workers | pickup | warm-up | median job | tail | report |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...[1, 2].map((n) => {
    const m = (k) => median(rounds[n].map((r) => r.spans[k])).toFixed(0);
    return `| ${n} | ${m('pickupMs')} | ${m('warmUpMs')} | ${m('jobMs')} | ${m('tailMs')} | ${m('reportMs')} |`;
  }),
  '',
  warmUpLine(),
  '',
  ceilingLine(),
];
process.stdout.write(`${lines.join('\n')}\n`);
freshDir(TMP);
