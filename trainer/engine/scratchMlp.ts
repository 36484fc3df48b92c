/**
 * The from-scratch MLP: dense layers with ReLU hidden units and a softmax output, forward pass and
 * backpropagation written by hand on tfjs tensor ops (tfjs plays the role CuPy played in the study).
 * No tf.grad, tf.train or tf.layers here; test/trainer/gradientCheck.test.ts compares every gradient
 * below with tf.grad on the same weights.
 *
 * Shapes: x [n, d0]; W_l [d_l, d_{l+1}]; b_l [d_{l+1}]; z_l = a_l·W_l + b_l [n, d_{l+1}];
 * a_{l+1} = relu(z_l) for hidden layers; the last z is the logits [n, classes].
 * Objective: Σ CE / d + λ/2·Σ_l ‖W_l‖² (L2 on weights only, never biases), d = the batch's row count
 * (lossReduction 'mean', the default) or 1 ('sum': every data gradient m times the mean's).
 */
import * as tf from '@tensorflow/tfjs';
import type { LossReduction, RunConfig } from '../config/schema';
import { deriveSeed, fillNormal, mulberry32 } from '../util/rng';
import { countCorrect, lossDivisor, oneHot, softmaxCrossEntropy, softmaxCrossEntropyGrad } from './loss';
import type { Shard, ShardGradients, StepResult, TrainableModel, TrainingState, WeightSnapshot } from './model';
import { makeOptimizer, type Optimizer } from './optimizers';
import { wasmMatMulLibrary } from './wasmBlasMatMul';

export interface Gradients {
  /** Mean cross-entropy (data term only). */
  loss: tf.Scalar;
  /** Gradients of the full objective, in variable order [W0, b0, W1, b1, …]. */
  grads: tf.Tensor[];
  logits: tf.Tensor2D;
}

/** He-normal weights N(0, 2/fan_in) and zero biases, drawn from a seeded host-side stream. */
export function heInitialWeights(sizes: number[], seed: number): WeightSnapshot {
  const rng = mulberry32(deriveSeed(seed, 'init'));
  const snapshot: WeightSnapshot = { names: [], shapes: [], values: [] };
  for (let l = 0; l < sizes.length - 1; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    snapshot.names.push(`dense_${l}/kernel`, `dense_${l}/bias`);
    snapshot.shapes.push([fanIn, fanOut], [fanOut]);
    snapshot.values.push(fillNormal(new Float32Array(fanIn * fanOut), rng, Math.sqrt(2 / fanIn)), new Float32Array(fanOut));
  }
  return snapshot;
}

export class ScratchMlp implements TrainableModel {
  readonly engine = 'scratch' as const;
  /**
   * dW₀ = xᵀ·dz: given xᵀ prepared off the training thread, the step skips a 512×784 transpose. Not on
   * the native kernels, whose sgemm reads x transposed in place (the copy would only cost time).
   */
  readonly usesTransposedInput = wasmMatMulLibrary() === null;
  /** [W0, b0, W1, b1, …] */
  readonly variables: tf.Variable[];
  readonly parameterCount: number;
  /** Names for saving (`dense_0/kernel`, …); tf.variable names must be globally unique, so kept here. */
  private readonly names: string[];

  constructor(
    readonly sizes: number[],
    initial: WeightSnapshot,
    private readonly l2: number,
    private readonly optimizer: Optimizer,
    readonly lossReduction: LossReduction = 'mean',
  ) {
    this.names = initial.names.slice();
    this.variables = tf.tidy(() => initial.values.map((v, i) => tf.variable(tf.tensor(v, initial.shapes[i]))));
    this.parameterCount = initial.values.reduce((s, v) => s + v.length, 0);
  }

  static fromConfig(config: RunConfig, inputSize: number, classes: number): ScratchMlp {
    const sizes = [inputSize, ...config.hidden, classes];
    return new ScratchMlp(sizes, heInitialWeights(sizes, config.seed), config.l2, makeOptimizer(config), config.lossReduction);
  }

  private get layerCount(): number {
    return this.sizes.length - 1;
  }

  /** Forward pass keeping what backprop needs: the input of each layer and each pre-activation. */
  private forward(x: tf.Tensor2D): { inputs: tf.Tensor2D[]; preActivations: tf.Tensor2D[] } {
    const inputs: tf.Tensor2D[] = [];
    const preActivations: tf.Tensor2D[] = [];
    let a = x;
    for (let l = 0; l < this.layerCount; l++) {
      inputs.push(a);
      const z = tf.add(tf.matMul(a, this.variables[2 * l]), this.variables[2 * l + 1]) as tf.Tensor2D; // [n, d_{l+1}]
      preActivations.push(z);
      if (l < this.layerCount - 1) a = tf.relu(z);
    }
    return { inputs, preActivations };
  }

  logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const { preActivations } = this.forward(x);
      return preActivations[preActivations.length - 1];
    });
  }

  get trainableVariables(): tf.Variable[] {
    return this.variables;
  }

  /**
   * Loss and hand-derived gradients of the objective for one batch (tensors owned by the caller). Given
   * a shard of a larger batch, the CE gradient is divided by the whole batch's divisor (its row count
   * for the mean, 1 for the sum) and the L2 term is added only where shard.withPenalty, so the shards'
   * gradients sum to the batch's.
   */
  gradients(x: tf.Tensor2D, targets: tf.Tensor2D, xT?: tf.Tensor2D, shard?: Shard): Gradients {
    return tf.tidy(() => {
      const { inputs, preActivations } = this.forward(x);
      const logits = preActivations[this.layerCount - 1];
      const loss = softmaxCrossEntropy(logits, targets);
      const grads: tf.Tensor[] = new Array(2 * this.layerCount);
      const penalty = this.l2 > 0 && (!shard || shard.withPenalty);
      let dz = softmaxCrossEntropyGrad(logits, targets, lossDivisor(this.lossReduction, shard?.batchRows ?? x.shape[0])); // [n, classes]
      for (let l = this.layerCount - 1; l >= 0; l--) {
        const W = this.variables[2 * l];
        let dW = l === 0 && xT ? tf.matMul(xT, dz) : tf.matMul(inputs[l], dz, true, false); // aᵀ·dz: [d_l, d_{l+1}]
        if (penalty) dW = tf.add(dW, tf.mul(W, this.l2)); // ∂(λ/2‖W‖²)/∂W = λW
        grads[2 * l] = dW;
        grads[2 * l + 1] = tf.sum(dz, 0); // [d_{l+1}]
        if (l > 0) {
          const da = tf.matMul(dz, W, false, true); // dz·Wᵀ: [n, d_l]
          dz = tf.mul(da, tf.step(preActivations[l - 1])) as tf.Tensor2D; // ReLU′(z) = 1[z > 0]
        }
      }
      return { loss, grads, logits };
    });
  }

  /** The full objective value (reduced CE + L2 penalty); the gradient check differentiates exactly this. */
  objective(x: tf.Tensor2D, targets: tf.Tensor2D, variables: tf.Tensor[] = this.variables): tf.Scalar {
    return tf.tidy(() => {
      let a: tf.Tensor2D = x;
      for (let l = 0; l < this.layerCount; l++) {
        const z = tf.add(tf.matMul(a, variables[2 * l] as tf.Tensor2D), variables[2 * l + 1]) as tf.Tensor2D;
        a = l < this.layerCount - 1 ? tf.relu(z) : z;
      }
      let loss = softmaxCrossEntropy(a, targets); // the mean
      if (this.lossReduction === 'sum') loss = tf.mul(loss, x.shape[0]);
      if (this.l2 > 0) {
        for (let l = 0; l < this.layerCount; l++) loss = tf.add(loss, tf.mul(tf.sum(tf.square(variables[2 * l])), this.l2 / 2));
      }
      return loss;
    });
  }

  trainStep(x: tf.Tensor2D, labels: Int32Array, lr: number, xT?: tf.Tensor2D): StepResult {
    const labelTensor = tf.tensor1d(labels, 'int32');
    const targets = oneHot(labelTensor, this.sizes[this.sizes.length - 1]);
    const { loss, grads, logits } = this.gradients(x, targets, xT);
    const correct = countCorrect(logits, labelTensor);
    this.applyGradients(grads, lr);
    const result = { loss: loss.dataSync()[0], correct: correct.dataSync()[0] };
    tf.dispose([labelTensor, targets, loss, logits, correct, ...grads]);
    return result;
  }

  shardGradients(x: tf.Tensor2D, labels: Int32Array, shard: Shard, xT?: tf.Tensor2D): ShardGradients {
    const labelTensor = tf.tensor1d(labels, 'int32');
    const targets = oneHot(labelTensor, this.sizes[this.sizes.length - 1]);
    const { loss, grads, logits } = this.gradients(x, targets, xT, shard);
    const correct = countCorrect(logits, labelTensor);
    const result = { grads, lossSum: loss.dataSync()[0] * labels.length, correct: correct.dataSync()[0] };
    tf.dispose([labelTensor, targets, loss, logits, correct]);
    return result;
  }

  applyGradients(grads: tf.Tensor[], lr: number): void {
    this.optimizer.apply(this.variables, grads, lr);
  }

  snapshot(): WeightSnapshot {
    return {
      names: this.names.slice(),
      shapes: this.variables.map((v) => v.shape.slice()),
      values: this.variables.map((v) => v.dataSync().slice() as Float32Array),
    };
  }

  restore(snapshot: WeightSnapshot): void {
    tf.tidy(() => snapshot.values.forEach((values, i) => this.variables[i].assign(tf.tensor(values, snapshot.shapes[i]))));
  }

  trainingState(): TrainingState {
    return { optimizer: this.optimizer.state(), dropoutDraws: [] };
  }

  restoreTrainingState(state: TrainingState): void {
    if (state.dropoutDraws.length) throw new Error('the training state has dropout layers; the scratch engine has none');
    this.optimizer.loadState(state.optimizer, this.variables);
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
    this.optimizer.dispose();
  }
}
