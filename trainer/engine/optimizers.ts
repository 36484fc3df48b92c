/**
 * Optimisers written by hand (no tf.train), one update rule each, applied to a list of variables:
 *  - SGD:        θ ← θ − η·g
 *  - momentum:   v ← β·v + g;  θ ← θ − η·v
 *  - Adam:       m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *                m̂ = m/(1−β1^t);  v̂ = v/(1−β2^t);  θ ← θ − η·m̂/(√v̂ + ε)
 * Adam optionally applies weight decay wd: 'coupled' adds wd·θ to g (PyTorch's Adam(weight_decay)),
 * 'decoupled' subtracts η·wd·θ from θ after the Adam step (AdamW).
 */
import * as tf from '@tensorflow/tfjs';

export interface Optimizer {
  /** Updates every variable in place from its gradient (same order) at learning rate `lr`. */
  apply(variables: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  dispose(): void;
}

/** Zero-filled optimiser state shaped like each variable (the tidy frees the temporary zeros tensors). */
function zerosFor(variables: tf.Variable[]): tf.Variable[] {
  return tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
}

/**
 * Scalars as tensors, made once per step rather than once per op: on wasm, `tf.mul(x, 0.9)` spends
 * more time turning 0.9 into a tensor (~120 µs) than multiplying 100k floats (~70 µs).
 */
function scalars<K extends string>(values: Record<K, number>): Record<K, tf.Scalar> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.scalar(v as number)])) as Record<K, tf.Scalar>;
}

export class Sgd implements Optimizer {
  private velocity: tf.Variable[] | null = null;
  constructor(private readonly momentum = 0) {}

  apply(variables: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    if (this.momentum > 0 && !this.velocity) this.velocity = zerosFor(variables);
    tf.tidy(() => {
      const k = scalars({ momentum: this.momentum, lr });
      variables.forEach((theta, i) => {
        if (this.velocity) {
          const v = this.velocity[i];
          v.assign(tf.add(tf.mul(v, k.momentum), grads[i]));
          theta.assign(tf.sub(theta, tf.mul(v, k.lr)));
        } else {
          theta.assign(tf.sub(theta, tf.mul(grads[i], k.lr)));
        }
      });
    });
  }

  dispose(): void {
    this.velocity?.forEach((v) => v.dispose());
  }
}

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay?: number;
  weightDecayMode?: 'coupled' | 'decoupled';
  /** Which variables weight decay applies to (default: all). */
  decayMask?: boolean[];
}

export class Adam implements Optimizer {
  private m: tf.Variable[] | null = null;
  private v: tf.Variable[] | null = null;
  private t = 0;
  constructor(private readonly options: AdamOptions) {}

  apply(variables: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const { beta1, beta2, epsilon, weightDecay = 0, weightDecayMode = 'coupled', decayMask } = this.options;
    if (!this.m || !this.v) {
      this.m = zerosFor(variables);
      this.v = zerosFor(variables);
    }
    this.t += 1;
    // Bias correction folded into the step size (Kingma & Ba, §2): m̂/(√v̂ + ε) equals
    // (√c2/c1)·m/(√v + ε·√c2) with c1 = 1−β1^t, c2 = 1−β2^t — the same update with three fewer
    // full-size tensor ops per variable, which matters on the single-threaded wasm backend.
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const epsHat = epsilon * Math.sqrt(c2);
    tf.tidy(() => {
      const k = scalars({ beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, stepSize, epsHat, weightDecay, decoupledDecay: lr * weightDecay });
      variables.forEach((theta, i) => {
        const decays = weightDecay > 0 && (decayMask ? decayMask[i] : true);
        const g = decays && weightDecayMode === 'coupled' ? tf.add(grads[i], tf.mul(theta, k.weightDecay)) : grads[i];
        const m = this.m![i];
        const v = this.v![i];
        m.assign(tf.add(tf.mul(m, k.beta1), tf.mul(g, k.oneMinusBeta1)));
        v.assign(tf.add(tf.mul(v, k.beta2), tf.mul(tf.square(g), k.oneMinusBeta2)));
        let next = tf.sub(theta, tf.mul(tf.div(m, tf.add(tf.sqrt(v), k.epsHat)), k.stepSize));
        if (decays && weightDecayMode === 'decoupled') next = tf.sub(next, tf.mul(theta, k.decoupledDecay));
        theta.assign(next);
      });
    });
  }

  dispose(): void {
    this.m?.forEach((x) => x.dispose());
    this.v?.forEach((x) => x.dispose());
  }
}
