/**
 * Optimisers written by hand (no tf.train), one update rule each, applied to a list of variables:
 *  - SGD:        θ ← θ − η·g
 *  - momentum:   v ← β·v + g;  θ ← θ − η·v
 *  - Adam:       m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *                m̂ = m/(1−β1^t);  v̂ = v/(1−β2^t);  θ ← θ − η·m̂/(√v̂ + ε)
 * Adam optionally applies weight decay wd: 'coupled' adds wd·θ to g (PyTorch's Adam(weight_decay)),
 * 'decoupled' subtracts η·wd·θ from θ after the Adam step (AdamW). SGD's weight decay: 'coupled' adds
 * wd·θ to g (PyTorch's SGD(weight_decay)), 'decoupled' shrinks θ by (1 − η·wd) before the step.
 * Every rule is elementwise, so applying it to slices of the variables gives the values it gives on
 * the whole (data-parallel replicas each update one slice: trainer/parallel/partitionedOptimizer.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAdam, fusedMomentum } from './wasmFusedOptimizer';

export interface Optimizer {
  /** Updates every variable in place from its gradient (same order) at learning rate `lr`. */
  apply(variables: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  /** Everything the next update depends on besides the weights, copied to the host (for checkpoints). */
  state(): OptimizerState;
  /** Continues from a saved state; `variables` gives the shapes (the same list apply() receives). */
  loadState(state: OptimizerState, variables: tf.Variable[]): void;
  dispose(): void;
}

/**
 * An optimiser's state on the host: the step count and named buffers, one Float32Array per variable
 * (Adam's `m` and `v`, momentum's `velocity`). Buffers not yet made (before the first step) are absent.
 */
export interface OptimizerState {
  kind: 'sgd' | 'adam';
  step: number;
  buffers: Record<string, Float32Array[]>;
}

/** Zero-filled optimiser state shaped like each variable (the tidy frees the temporary zeros tensors). */
function zerosFor(variables: tf.Variable[]): tf.Variable[] {
  return tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
}

function download(buffers: tf.Variable[]): Float32Array[] {
  return buffers.map((b) => b.dataSync().slice() as Float32Array);
}

/** Variables holding `values`, checked against the shapes of the variables they belong to. */
function upload(name: string, values: Float32Array[] | undefined, variables: tf.Variable[]): tf.Variable[] | null {
  if (!values) return null;
  if (values.length !== variables.length) throw new Error(`optimiser state ${name} has ${values.length} buffers for ${variables.length} variables; it was saved for a different network`);
  values.forEach((v, i) => {
    if (v.length !== variables[i].size) throw new Error(`optimiser state ${name}[${i}] has ${v.length} values for a variable of ${variables[i].size}; it was saved for a different network`);
  });
  return tf.tidy(() => values.map((v, i) => tf.variable(tf.tensor(v, variables[i].shape), false)));
}

function checkKind(state: OptimizerState, kind: OptimizerState['kind']) {
  if (state.kind !== kind) throw new Error(`optimiser state was saved by ${state.kind}, not ${kind}`);
}

/**
 * Scalars as tensors, made once per step rather than once per op: on wasm, `tf.mul(x, 0.9)` spends
 * more time turning 0.9 into a tensor (~120 µs) than multiplying 100k floats (~70 µs).
 */
function scalars<K extends string>(values: Record<K, number>): Record<K, tf.Scalar> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.scalar(v as number)])) as Record<K, tf.Scalar>;
}

export interface WeightDecay {
  weightDecay?: number;
  weightDecayMode?: 'coupled' | 'decoupled';
}

export class Sgd implements Optimizer {
  private velocity: tf.Variable[] | null = null;
  constructor(
    private readonly momentum = 0,
    private readonly decay: WeightDecay = {},
  ) {}

  apply(variables: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const { weightDecay: wd = 0, weightDecayMode = 'coupled' } = this.decay;
    if (wd > 0 && weightDecayMode === 'decoupled') tf.tidy(() => variables.forEach((v) => v.assign(tf.mul(v, 1 - lr * wd))));
    if (this.momentum > 0 && !this.velocity) this.velocity = zerosFor(variables);
    tf.tidy(() => {
      const k = scalars({ momentum: this.momentum, lr });
      variables.forEach((theta, i) => {
        const g = wd > 0 && weightDecayMode === 'coupled' ? tf.add(grads[i], tf.mul(theta, wd)) : grads[i];
        const fused = this.velocity && fusedMomentum(theta, g, this.velocity[i], this.momentum, lr);
        if (fused) {
          this.velocity![i].assign(fused[1]);
          theta.assign(fused[0]);
        } else if (this.velocity) {
          const v = this.velocity[i];
          v.assign(tf.add(tf.mul(v, k.momentum), g));
          theta.assign(tf.sub(theta, tf.mul(v, k.lr)));
        } else {
          theta.assign(tf.sub(theta, tf.mul(g, k.lr)));
        }
      });
    });
  }

  state(): OptimizerState {
    return { kind: 'sgd', step: 0, buffers: this.velocity ? { velocity: download(this.velocity) } : {} };
  }

  loadState(state: OptimizerState, variables: tf.Variable[]): void {
    checkKind(state, 'sgd');
    this.velocity?.forEach((v) => v.dispose());
    this.velocity = upload('velocity', state.buffers.velocity, variables);
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
        // One wasm kernel for the whole update where it runs (wasmFusedOptimizer.ts: the same float32 maths).
        const fused = decays ? null : fusedAdam(theta, g, m, v, { beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, stepSize, epsHat });
        if (fused) {
          m.assign(fused[1]);
          v.assign(fused[2]);
          theta.assign(fused[0]);
          return;
        }
        m.assign(tf.add(tf.mul(m, k.beta1), tf.mul(g, k.oneMinusBeta1)));
        v.assign(tf.add(tf.mul(v, k.beta2), tf.mul(tf.square(g), k.oneMinusBeta2)));
        let next = tf.sub(theta, tf.mul(tf.div(m, tf.add(tf.sqrt(v), k.epsHat)), k.stepSize));
        if (decays && weightDecayMode === 'decoupled') next = tf.sub(next, tf.mul(theta, k.decoupledDecay));
        theta.assign(next);
      });
    });
  }

  state(): OptimizerState {
    return { kind: 'adam', step: this.t, buffers: this.m && this.v ? { m: download(this.m), v: download(this.v) } : {} };
  }

  loadState(state: OptimizerState, variables: tf.Variable[]): void {
    checkKind(state, 'adam');
    this.dispose();
    this.m = this.v = null;
    this.m = upload('m', state.buffers.m, variables);
    this.v = upload('v', state.buffers.v, variables);
    if (!this.m !== !this.v) throw new Error('optimiser state has only one of Adam\'s m and v');
    this.t = state.step;
  }

  dispose(): void {
    this.m?.forEach((x) => x.dispose());
    this.v?.forEach((x) => x.dispose());
  }
}

/** The optimiser fields of a run config (both engines build their optimiser from these). */
export interface OptimizerConfig {
  optimizer: 'sgd' | 'adam';
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Adam's weight decay (the layers engine's; the scratch engine's configs always have 0). */
  weightDecay?: number;
  weightDecayMode?: 'coupled' | 'decoupled';
}

/** The optimiser a config asks for (the whole update rule, weight decay included). */
export function makeOptimizer(config: OptimizerConfig): Optimizer {
  const decay = config.weightDecay ? { weightDecay: config.weightDecay, weightDecayMode: config.weightDecayMode ?? 'coupled' } : {};
  if (config.optimizer === 'sgd') return new Sgd(config.momentum, decay);
  return new Adam({ beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon, ...decay });
}
