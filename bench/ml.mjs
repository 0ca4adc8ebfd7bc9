// Training throughput of Buff's LSTM vs tfjs-layers' stock tf.layers.lstm, same size, same backend,
// same run; plus both as a fraction of the backend's dense 512x512 matMul rate. Prints markdown.
// Sizes (issue 6): window 64, 16 features, 64 units, batch 256. BENCH_ML_BATCHES=n to change the count.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const distEntry = new URL('../packages/ml/dist/index.js', import.meta.url);
const ml = await import(
  process.env.BUFF_ML_ENTRY ?? (existsSync(distEntry) ? distEntry.href : '../packages/ml/src/index.ts')
);
const [T, F, H, B] = [64, 16, 64, 256];
const batches = Number(process.env.BENCH_ML_BATCHES ?? 6);
const backend = await ml.selectBackend();

function randomBatch() {
  const x = tf.randomUniform([B, T, F], -1, 1, 'float32', 1);
  const y = tf.cast(tf.greater(tf.randomUniform([B, 1], 0, 1, 'float32', 2), 0.5), 'float32');
  return { x, y };
}

/** Seconds per step of `step()` after one warm-up step, median of `batches`. */
async function timeSteps(step) {
  step();
  const times = [];
  for (let i = 0; i < batches; i++) {
    const start = performance.now();
    step();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function stockStep() {
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units: H,
      inputShape: [T, F],
      recurrentActivation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  const optimizer = tf.train.adam(1e-3);
  const { x, y } = randomBatch();
  const vars = model.trainableWeights.map((w) => w.read());
  return () => {
    tf.tidy(() => {
      const cost = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x)), true, vars);
      cost.dataSync();
    });
  };
}

function buffStep() {
  const model = ml.createLstmModel({ features: F, window: T, units: H, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const { x, y } = randomBatch();
  const steps = tf.unstack(tf.transpose(x, [1, 0, 2]));
  const labels = tf.reshape(y, [B]);
  return () => {
    tf.tidy(() => {
      const cost = optimizer.minimize(
        () => tf.losses.sigmoidCrossEntropy(labels, model.logits({ steps }, true)),
        true,
        model.trainableVariables(),
      );
      cost.dataSync();
    });
  };
}

function matMulGflops() {
  const a = tf.randomUniform([512, 512], -1, 1, 'float32', 3);
  const b = tf.randomUniform([512, 512], -1, 1, 'float32', 4);
  for (let i = 0; i < 3; i++)
    tf.tidy(() => {
      tf.matMul(a, b).dataSync();
    });
  const n = 30;
  const start = performance.now();
  for (let i = 0; i < n; i++)
    tf.tidy(() => {
      tf.matMul(a, b).dataSync();
    });
  return (2 * 512 ** 3 * n) / ((performance.now() - start) / 1000) / 1e9;
}

// Useful FLOPs per sample of one training step (forward + backward of the recurrence and the
// input projection, gates fused): forward 2·T·(F+H)·4H, backward twice that.
const flopsPerSample = 3 * 2 * T * (F + H) * 4 * H;
const gflops = matMulGflops();
const stockSec = await timeSteps(stockStep());
const buffSec = await timeSteps(buffStep());
const stockRate = B / stockSec;
const buffRate = B / buffSec;
const frac = (rate) => ((rate * flopsPerSample) / 1e9 / gflops) * 100;
console.log(`## ML: LSTM training throughput (${backend.name} backend)

Window ${T}, ${F} features, ${H} units, batch ${B}, Adam, sigmoid cross-entropy; median of ${batches} steps after a warm-up. Dense 512x512 matMul on this backend: ${gflops.toFixed(2)} GFLOP/s.

| LSTM | samples/s | useful GFLOP/s | % of matMul rate |
| --- | ---: | ---: | ---: |
| tfjs-layers \`tf.layers.lstm\` (stock) | ${stockRate.toFixed(0)} | ${((stockRate * flopsPerSample) / 1e9).toFixed(2)} | ${frac(stockRate).toFixed(1)}% |
| Buff \`lstmSequence\` (fused gates, hand-written BPTT) | ${buffRate.toFixed(0)} | ${((buffRate * flopsPerSample) / 1e9).toFixed(2)} | ${frac(buffRate).toFixed(1)}% |

Speed-up vs stock: **${(buffRate / stockRate).toFixed(2)}x** (target >= 3x).`);
