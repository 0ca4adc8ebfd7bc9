import * as tf from '@tensorflow/tfjs';

/** LSTM weights in tfjs-layers' layout: gates [i, f, g (cell), o] along the last axis. */
export interface LstmWeights {
  /** [features, 4 * units] */
  kernel: tf.Tensor2D;
  /** [units, 4 * units] */
  recurrentKernel: tf.Tensor2D;
  /** [4 * units] */
  bias: tf.Tensor1D;
}

export interface LstmSequenceOptions {
  /** Record a gradient (training). Inference skips the bookkeeping the backward pass needs. */
  training?: boolean;
  /** Also compute the gradient w.r.t. the input (only needed when something below is trained). */
  inputGradient?: boolean;
}

/**
 * Runs one LSTM layer over a sequence given as one [batch, features] tensor per time step and
 * returns the last hidden state [batch, units]. Numerically the same cell as
 * `tf.layers.lstm({ recurrentActivation: 'sigmoid' })`, written for the WASM backend's strengths:
 * the four gates and both inputs share one matmul per step ([x_t, h] · [W; U]), tanh is computed
 * as 2·sigmoid(2x) − 1 (the g-gate columns are pre-scaled by 2 so one sigmoid serves all gates),
 * and the backward pass (BPTT) is written by hand with plain matmuls and explicit transposes (no
 * transposeA/transposeB kernels), the weight gradient summed over time as one matmul. Steps come
 * as separate tensors because slicing a big tensor per step is slow on WASM.
 * @example
 * const h = lstmSequence(steps, { kernel, recurrentKernel, bias }, { training: true });
 */
export function lstmSequence(
  steps: tf.Tensor2D[],
  weights: LstmWeights,
  options: LstmSequenceOptions = {},
): tf.Tensor2D {
  if (!options.training) return tf.tidy(() => runForward(steps, weights, false).h);
  const inputGradient = options.inputGradient ?? false;
  const count = steps.length;
  const op = tf.customGrad((...args: unknown[]) => {
    const xs = args.slice(0, count) as tf.Tensor2D[];
    const [kernel, recurrentKernel, bias, save] = args.slice(count) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.GradSaveFunc,
    ];
    const forward = runForward(xs, { kernel, recurrentKernel, bias }, true);
    const tape = forward.tape!;
    save([
      forward.xh,
      forward.scaledWeightsT,
      forward.scaledRecurrentT,
      forward.scale,
      ...tape.md,
      ...tape.k,
      ...tape.f,
    ]);
    return {
      value: forward.h,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xh, wT, r2T, scale] = saved.slice(0, 4) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const md = saved.slice(4, 4 + count) as tf.Tensor2D[];
        const k = saved.slice(4 + count, 4 + 2 * count) as tf.Tensor2D[];
        const f = saved.slice(4 + 2 * count, 4 + 3 * count) as tf.Tensor2D[];
        return backward(dy as tf.Tensor2D, kernel.shape[0], { xh, wT, r2T, scale, md, k, f }, inputGradient);
      },
    };
  });
  return op(...steps, weights.kernel, weights.recurrentKernel, weights.bias) as tf.Tensor2D;
}

interface ForwardTape {
  /** Per step: concat([g, c_{t-1}, 2·i, tanh c_t]) · s(1 − s), the gate-gradient multiplier. */
  md: tf.Tensor2D[];
  /** Per step: o · (1 − tanh² c_t), how dh reaches dc. */
  k: tf.Tensor2D[];
  /** Per step: the forget gate, how dc reaches dc_{t-1}. */
  f: tf.Tensor2D[];
}

interface Forward {
  h: tf.Tensor2D;
  /** [steps * batch, features + units]: every step's [x_t, h_{t-1}], for the weight gradient. */
  xh: tf.Tensor2D;
  scale: tf.Tensor1D;
  /** ([kernel; recurrentKernel] · scale) transposed, for the input gradient. */
  scaledWeightsT: tf.Tensor2D;
  scaledRecurrentT: tf.Tensor2D;
  tape?: ForwardTape;
}

/** [1, 1, 2, 1] per gate block: lets one sigmoid produce sigmoid(2·z_g) for tanh(z_g). */
function gateScale(units: number): tf.Tensor1D {
  const scale = new Float32Array(4 * units).fill(1);
  scale.fill(2, 2 * units, 3 * units);
  return tf.tensor1d(scale);
}

function runForward(steps: tf.Tensor2D[], weights: LstmWeights, keepTape: boolean): Forward {
  const batch = steps[0]?.shape[0] ?? 0;
  const units = weights.recurrentKernel.shape[0];
  const scale = gateScale(units);
  // Gates fused: [x_t, h_{t-1}] · [W; U] is one matmul per step.
  const w2 = tf.mul(tf.concat([weights.kernel, weights.recurrentKernel], 0), scale) as tf.Tensor2D;
  const b2 = tf.mul(weights.bias, scale);
  let h = tf.zeros([batch, units]) as tf.Tensor2D;
  let c = tf.zeros([batch, units]) as tf.Tensor2D;
  const xhs: tf.Tensor2D[] = [];
  const tape: ForwardTape = { md: [], k: [], f: [] };
  for (const x of steps) {
    const xh = tf.concat([x, h], 1);
    xhs.push(xh);
    const s = tf.sigmoid(tf.add(tf.matMul(xh, w2), b2));
    const [si, sf, sg, so] = tf.split(s, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const g = tf.sub(tf.mul(sg, 2), 1);
    const cPrev = c;
    c = tf.add(tf.mul(sf, cPrev), tf.mul(si, g));
    const tc = tf.sub(tf.mul(tf.sigmoid(tf.mul(c, 2)), 2), 1);
    h = tf.mul(so, tc);
    if (keepTape) {
      tape.md.push(tf.mul(tf.concat([g, cPrev, tf.mul(si, 2), tc], 1), tf.mul(s, tf.sub(1, s))));
      tape.k.push(tf.mul(so, tf.sub(1, tf.square(tc))));
      tape.f.push(sf);
    }
  }
  if (!keepTape) return { h, xh: h, scale, scaledWeightsT: w2, scaledRecurrentT: w2 };
  const features = weights.kernel.shape[0];
  return {
    h,
    xh: tf.concat(xhs, 0),
    scale,
    scaledWeightsT: tf.transpose(w2),
    scaledRecurrentT: tf.transpose(tf.slice(w2, [features, 0], [units, 4 * units])),
    tape,
  };
}

interface Saved extends ForwardTape {
  xh: tf.Tensor2D;
  wT: tf.Tensor2D;
  r2T: tf.Tensor2D;
  scale: tf.Tensor1D;
}

function backward(dhLast: tf.Tensor2D, features: number, saved: Saved, inputGradient: boolean): tf.Tensor[] {
  const steps = saved.md.length;
  const dz: tf.Tensor2D[] = new Array(steps);
  let dh = dhLast;
  let dc: tf.Tensor2D | undefined;
  for (let t = steps - 1; t >= 0; t--) {
    const viaH = tf.mul(dh, saved.k[t] as tf.Tensor2D);
    const dcT = dc === undefined ? viaH : tf.add(dc, viaH);
    const step = tf.mul(tf.concat([dcT, dcT, dcT, dh], 1), saved.md[t] as tf.Tensor2D) as tf.Tensor2D;
    dz[t] = step;
    if (t > 0) {
      dh = tf.matMul(step, saved.r2T) as tf.Tensor2D;
      dc = tf.mul(dcT, saved.f[t] as tf.Tensor2D) as tf.Tensor2D;
    }
  }
  const dzAll = tf.concat(dz, 0);
  // Explicit transpose + plain matmul: far faster on WASM than matMul(..., transposeA).
  const dW = tf.mul(tf.matMul(tf.transpose(saved.xh), dzAll), saved.scale);
  const units = saved.r2T.shape[1];
  const dKernel = tf.slice(dW, [0, 0], [features, 4 * units]);
  const dRecurrent = tf.slice(dW, [features, 0], [units, 4 * units]);
  // Column sums as a matmul with a row of ones (the Sum kernel is slower on WASM).
  const dBias = tf.mul(tf.reshape(tf.matMul(tf.ones([1, dzAll.shape[0]]), dzAll), [4 * units]), saved.scale);
  const batch = dhLast.shape[0];
  const dxs = dz.map((step) =>
    inputGradient ? tf.slice(tf.matMul(step, saved.wT), [0, 0], [batch, features]) : tf.zeros([batch, features]),
  );
  return [...dxs, dKernel, dRecurrent, dBias];
}
