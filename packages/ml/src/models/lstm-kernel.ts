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
 * Runs one LSTM layer over a time-major sequence and returns the last hidden state [batch, units].
 * Numerically the same cell as `tf.layers.lstm({ recurrentActivation: 'sigmoid' })`, written
 * for the WASM backend's strengths: the input projection of every step is one big matmul, the
 * four gates share one matmul per step, tanh is computed as 2·sigmoid(2x) − 1 (the g-gate columns
 * are pre-scaled by 2 so one sigmoid serves all gates), and the backward pass (BPTT) is written
 * by hand with plain matmuls and explicit transposes (no transposeA/transposeB kernels), the
 * weight gradients summed over time as one matmul each.
 * @example
 * const h = lstmSequence(xTimeMajor, { kernel, recurrentKernel, bias }, { training: true });
 */
export function lstmSequence(x: tf.Tensor3D, weights: LstmWeights, options: LstmSequenceOptions = {}): tf.Tensor2D {
  if (!options.training) return tf.tidy(() => runForward(x, weights, false).h);
  const inputGradient = options.inputGradient ?? false;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xs, kernel, recurrentKernel, bias, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const forward = runForward(xs, { kernel, recurrentKernel, bias }, true);
    const tape = forward.tape!;
    const steps = tape.md.length;
    save([forward.x2d, forward.hPrev, forward.scaledKernel, forward.scaledRecurrentT, forward.scale, ...tape.md, ...tape.k, ...tape.f]);
    return {
      value: forward.h,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [x2d, hPrev, k2, r2T, scale] = saved.slice(0, 5) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const md = saved.slice(5, 5 + steps) as tf.Tensor2D[];
        const k = saved.slice(5 + steps, 5 + 2 * steps) as tf.Tensor2D[];
        const f = saved.slice(5 + 2 * steps, 5 + 3 * steps) as tf.Tensor2D[];
        return backward(dy as tf.Tensor2D, xs.shape, { x2d, hPrev, k2, r2T, scale, md, k, f }, inputGradient);
      },
    };
  });
  return op(x, weights.kernel, weights.recurrentKernel, weights.bias) as tf.Tensor2D;
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
  x2d: tf.Tensor2D;
  hPrev: tf.Tensor2D;
  scale: tf.Tensor1D;
  scaledKernel: tf.Tensor2D;
  scaledRecurrentT: tf.Tensor2D;
  tape?: ForwardTape;
}

/** [1, 1, 2, 1] per gate block: lets one sigmoid produce sigmoid(2·z_g) for tanh(z_g). */
function gateScale(units: number): tf.Tensor1D {
  const scale = new Float32Array(4 * units).fill(1);
  scale.fill(2, 2 * units, 3 * units);
  return tf.tensor1d(scale);
}

function runForward(x: tf.Tensor3D, weights: LstmWeights, keepTape: boolean): Forward {
  const [steps, batch, features] = x.shape;
  const units = weights.recurrentKernel.shape[0];
  const scale = gateScale(units);
  const k2 = tf.mul(weights.kernel, scale) as tf.Tensor2D;
  const r2 = tf.mul(weights.recurrentKernel, scale) as tf.Tensor2D;
  const b2 = tf.mul(weights.bias, scale);
  const x2d = tf.reshape(x, [steps * batch, features]) as tf.Tensor2D;
  const projected = tf.reshape(tf.add(tf.matMul(x2d, k2), b2), [steps, batch, 4 * units]);
  const inputs = tf.unstack(projected) as tf.Tensor2D[];
  let h = tf.zeros([batch, units]) as tf.Tensor2D;
  let c = tf.zeros([batch, units]) as tf.Tensor2D;
  const hs: tf.Tensor2D[] = [];
  const tape: ForwardTape = { md: [], k: [], f: [] };
  for (let t = 0; t < steps; t++) {
    hs.push(h);
    const z = t === 0 ? (inputs[0] as tf.Tensor2D) : tf.add(inputs[t] as tf.Tensor2D, tf.matMul(h, r2));
    const s = tf.sigmoid(z);
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
  const result: Forward = { h, x2d, hPrev: x2d, scale, scaledKernel: k2, scaledRecurrentT: r2 };
  if (keepTape) {
    result.hPrev = tf.concat(hs, 0);
    result.scaledRecurrentT = tf.transpose(r2);
    result.tape = tape;
  }
  return result;
}

interface Saved extends ForwardTape {
  x2d: tf.Tensor2D;
  hPrev: tf.Tensor2D;
  k2: tf.Tensor2D;
  r2T: tf.Tensor2D;
  scale: tf.Tensor1D;
}

function backward(dhLast: tf.Tensor2D, xShape: number[], saved: Saved, inputGradient: boolean): tf.Tensor[] {
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
      dh = tf.matMul(step, saved.r2T);
      dc = tf.mul(dcT, saved.f[t] as tf.Tensor2D);
    }
  }
  const dzAll = tf.concat(dz, 0);
  const dKernel = tf.mul(tf.matMul(tf.transpose(saved.x2d), dzAll), saved.scale);
  const dRecurrent = tf.mul(tf.matMul(tf.transpose(saved.hPrev), dzAll), saved.scale);
  const dBias = tf.mul(tf.sum(dzAll, 0), saved.scale);
  const dx = inputGradient ? tf.reshape(tf.matMul(dzAll, tf.transpose(saved.k2)), xShape) : tf.zeros(xShape);
  return [dx, dKernel, dRecurrent, dBias];
}
