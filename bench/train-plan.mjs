// The training plan's step 4 at full size, timed: an LSTM per coin (BTC-USD, ETH-USD, BNB-USD) and one
// transformer over the three, on 365 days of synthetic 1m bars each, with the default features (18),
// window (32), batch (128) and models. One epoch is hours of CPU, so this measures a fixed number of
// batches per model (BENCH_TRAIN_PLAN_BATCHES, default 8, after one warm-up) on the real full-size data
// and projects one and ten epochs from the measured per-batch cost: a projection, not a full run.
// A simple profile splits a step into data windows (copying windows into tensors), kernel time by op
// (tf.profile: matMul family vs the rest) and what is left: op dispatch in JS.
// BENCH_TRAIN_PLAN_DAYS (default 365) shrinks the data for a quick check. BENCH_TRAIN_PLAN_FULL=1 runs one whole
// epoch of each model instead (every training batch and the whole validation pass, timed): a measurement, not a
// projection (about 5 min for the LSTMs and 30-40 min for the transformer on an idle machine);
// BENCH_TRAIN_PLAN_ONLY=lstm or =transformer times one kind only. Prints markdown.
import { mkdtempSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const entry = (pkg) => {
  const dist = new URL(`../packages/${pkg}/dist/index.js`, import.meta.url);
  return existsSync(dist) ? dist.href : `../packages/${pkg}/src/index.ts`;
};
const ml = await import(entry('ml'));
const ingest = await import(entry('ingest'));

const DAYS = Number(process.env.BENCH_TRAIN_PLAN_DAYS ?? 365);
const BATCHES = Number(process.env.BENCH_TRAIN_PLAN_BATCHES ?? 8);
const FULL = process.env.BENCH_TRAIN_PLAN_FULL === '1';
const ONLY = process.env.BENCH_TRAIN_PLAN_ONLY; // 'lstm' or 'transformer': time one kind of model only
const SYMBOLS = ['BTC-USD', 'ETH-USD', 'BNB-USD'];
const [WINDOW, BATCH] = [32, 128];
const backend = await ml.selectBackend();
const work = mkdtempSync(join(tmpdir(), 'buff-train-plan-'));

try {
  const prepStart = performance.now();
  for (const [i, symbol] of SYMBOLS.entries()) {
    const bars = ingest.synthesizeBars({ days: DAYS, seed: 100 + i, signal: 1, symbol });
    await ingest.writeDataset(work, { symbol, timeframe: '1m', bars, source: { kind: 'synthetic' } });
  }
  const load = (symbols) =>
    ml.loadTrainingData({
      dataRoot: work,
      symbols,
      timeframe: '1m',
      featureOptions: {},
      window: WINDOW,
      horizon: 1,
      deadZone: 0,
      trainFrac: 0.7,
      valFrac: 0.15,
    });
  const all = await load(SYMBOLS);
  const prepSec = (performance.now() - prepStart) / 1000;
  const rows = [];
  if (ONLY !== 'transformer') {
    for (const [i, symbol] of SYMBOLS.entries()) rows.push(await measure(`LSTM ${symbol}`, [all[i]], 'lstm'));
  }
  if (ONLY !== 'lstm') rows.push(await measure('transformer, 3 coins', all, 'transformer'));
  report(rows, prepSec, all);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Times BATCHES training batches (after a warm-up) and one validation pass slice for one model. */
async function measure(label, data, kind) {
  const standardizer = ml.fitPooledStandardizer(data);
  const matrices = ml.standardizedMatrices(data, standardizer);
  const train = ml.splitSamples(data, 'train', WINDOW);
  const val = ml.splitSamples(data, 'val', WINDOW);
  const features = data[0].table.names.length;
  const model =
    kind === 'lstm'
      ? ml.createLstmModel({ features, window: WINDOW, units: 32, seed: 1 })
      : ml.createTransformerModel({ features, window: WINDOW, symbols: data.length, seed: 1 });
  const optimizer = tf.train.adam(0.002);
  const variables = model.trainableVariables();
  const order = ml.shuffledIndices(train.end.length, ml.seededRandom(1, 'bench'));
  const batchesPerEpoch = Math.ceil(train.end.length / BATCH);
  const batchAt = (b) =>
    ml.windowBatch(
      matrices,
      train,
      order,
      b * BATCH,
      Math.min((b + 1) * BATCH, train.end.length),
      WINDOW,
      model.layout,
    );
  const step = (batch) =>
    tf.tidy(() => {
      const cost = optimizer.minimize(
        () => tf.losses.sigmoidCrossEntropy(batch.labels, model.logits(batch, true)),
        true,
        variables,
      );
      return cost.dataSync()[0];
    });
  const dispose = (batch) => tf.dispose([batch.labels, batch.symbols, batch.x, ...(batch.steps ?? [])]);
  // projection: one warm-up, then BATCHES timed; full: the whole epoch timed, warm-up included (it is part of it)
  const [first, last] = FULL ? [0, batchesPerEpoch - 1] : [1, BATCHES];
  if (!FULL) {
    const warm = batchAt(0);
    step(warm);
    dispose(warm);
  }
  let windowSec = 0;
  let stepSec = 0;
  const cpu0 = process.cpuUsage();
  for (let b = first; b <= last; b++) {
    const t0 = performance.now();
    const batch = batchAt(b);
    const t1 = performance.now();
    step(batch);
    const t2 = performance.now();
    dispose(batch);
    windowSec += (t1 - t0) / 1000;
    stepSec += (t2 - t1) / 1000;
  }
  // tf.profile hands back one shared record, so each profile is read before the next model runs
  const profile = await profileStep(step, batchAt(FULL ? 0 : BATCHES + 1), dispose);
  const valSlice = FULL ? val.end.length : Math.min(val.end.length, 4096);
  const sub = { source: val.source.subarray(0, valSlice), end: val.end.subarray(0, valSlice), labels: val.labels };
  const p0 = performance.now();
  ml.predictLogits(model, matrices, sub, WINDOW);
  const valSec = ((performance.now() - p0) / 1000) * (val.end.length / valSlice);
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6; // the whole process: training, profile step and validation
  optimizer.dispose();
  model.dispose();
  const timed = last - first + 1;
  const perBatch = (windowSec + stepSec) / timed;
  const epochSec = FULL ? windowSec + stepSec + valSec : perBatch * batchesPerEpoch + valSec;
  return {
    label,
    kind,
    train: train.end.length,
    perBatch,
    windowShare: windowSec / (windowSec + stepSec),
    profile,
    batchesPerEpoch,
    valSec,
    epochSec,
    cpuSec,
  };
}

/** One profiled step: kernel time of the matMul family, of the other kernels, and the rest (dispatch). */
async function profileStep(step, batch, dispose) {
  const t0 = performance.now();
  const info = await tf.profile(() => step(batch));
  const wall = performance.now() - t0;
  const kernels = info.kernels.map((k) => ({ name: k.name, time: k.kernelTimeMs }));
  let matmul = 0;
  let other = 0;
  for (const k of kernels) {
    const ms = await k.time;
    const t = typeof ms === 'number' ? ms : 0;
    if (/MatMul|Conv/.test(k.name)) matmul += t;
    else other += t;
  }
  dispose(batch);
  return { wall, matmul, other, kernels: kernels.length };
}

function report(rows, prepSec, all) {
  const profiles = rows.map((r) => r.profile);
  {
    const hours = (s) => (s / 3600).toFixed(2);
    const lines = rows.map((r, i) => {
      const p = profiles[i];
      const share = (x) => `${((x / p.wall) * 100).toFixed(0)}%`;
      const dispatch = Math.max(0, p.wall - p.matmul - p.other);
      return `| ${r.label} | ${r.train.toLocaleString('en')} | ${(r.perBatch * 1000).toFixed(0)} ms | ${r.batchesPerEpoch} | ${hours(r.epochSec)} h | ${hours(10 * r.epochSec)} h | ${(r.windowShare * 100).toFixed(0)}% | ${share(p.matmul)} / ${share(p.other)} / ${share(dispatch)} (${p.kernels} kernels) |`;
    });
    const lstm10 = rows.filter((r) => r.kind === 'lstm').reduce((s, r) => s + 10 * r.epochSec, 0);
    const tf10 = rows.filter((r) => r.kind === 'transformer').reduce((s, r) => s + 10 * r.epochSec, 0);
    const how = FULL
      ? `one whole epoch of each model, measured (every training batch and the whole validation pass; the process's CPU time beside the wall time: ${rows.map((r) => `${r.label} ${(r.cpuSec / 60).toFixed(1)} CPU min`).join(', ')})`
      : `a projection from ${BATCHES} measured batches per model`;
    const method = FULL
      ? 'Each model trained one whole epoch (every batch of its training split, in the seeded shuffled order) and ran one whole validation pass; "1 epoch" is that wall time, "10 epochs" is ten times it. **Measured, not projected.**'
      : `Each model ran ${BATCHES} training batches after one warm-up; one epoch = batches per epoch x the measured cost per batch + one validation pass (timed on 4,096 samples, scaled). **These are projections, not full runs.**`;
    console.log(`## Training plan step 4 at full size (${backend.name} backend): ${how}

${DAYS} days of synthetic 1m bars for each of ${SYMBOLS.join(', ')} (${all[0].table.ts.length.toLocaleString('en')} bars each), the default features (${all[0].table.names.length}), window ${WINDOW}, batch ${BATCH}, Adam; LSTM 32 units per coin, the default transformer over the three. Data and features prepared in ${prepSec.toFixed(1)} s. ${method}

| model | train samples | per batch | batches/epoch | 1 epoch | 10 epochs | data windows | profile: matMul / other kernels / dispatch |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${lines.join('\n')}

${FULL ? 'Ten' : 'Projected 10'} epochs: the three LSTMs ${hours(lstm10)} h together (target <= 2 h; plan: 6-8 h), the transformer ${hours(tf10)} h (target <= 6 h; plan: 12-16 h). "data windows" is the share of a batch spent copying windows into tensors; the profile is one tf.profile'd step (kernel times as the backend reports them; the rest of the step's wall time is op dispatch and autograd bookkeeping in JS).`);
  }
}
