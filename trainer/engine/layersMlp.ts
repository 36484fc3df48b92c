/**
 * The framework engine: the study's PyTorch models (M2, M3a, M3b) rebuilt with tf.layers and autograd.
 * Each hidden block is Dense → [BatchNormalization] → activation → [Dropout] (the usual PyTorch
 * nn.Sequential order); without BatchNorm the activation is fused into Dense. The output is a linear
 * Dense giving logits [n, classes]; the loss is tfjs's fused tf.losses.softmaxCrossEntropy (mean over the
 * batch; like PyTorch's CrossEntropyLoss its gradient is softmax − onehot, not an autograd walk through
 * logSumExp, whose max-gradient runs a broadcast Equal that alone costs ~10 ms per batch on wasm), and
 * the whole objective is differentiated by tf.variableGrads (autograd), not by hand.
 *
 * Optimiser: the hand-written Sgd/Adam of optimizers.ts (not tf.train), so both engines share one update
 * rule and can be compared step for step. Weight decay wd (config.weightDecay) is applied to every
 * trainable parameter (kernels, biases, BatchNorm γ and β) as PyTorch does for `model.parameters()`:
 *  - 'coupled'   g ← g + wd·θ before the update   (PyTorch `Adam(weight_decay=wd)`, or SGD's)
 *  - 'decoupled' θ ← θ − η·wd·θ beside the update  (AdamW; for SGD the same shrink of θ)
 * config.l2 still means λ/2·Σ‖W‖² on kernels added to the objective, as in the scratch engine.
 *
 * BatchNorm follows PyTorch's BatchNorm1d defaults: ε = 1e-5 and running statistics updated with
 * momentum 0.1 (tfjs momentum 0.9); tfjs updates the running variance with the biased batch variance.
 * Dropout is SeededDropout (reproducible masks). Kernels start from heInitialWeights(sizes, seed), the
 * scratch engine's very draw, so both engines start from identical weights for the same seed.
 *
 * tfjs layer and variable names are process-global, so layers are left to tfjs's unique auto-naming and
 * snapshots use our own deterministic names: dense_l/{kernel,bias} (identical to the scratch engine's)
 * and batch_norm_l/{gamma,beta,moving_mean,moving_variance}, in layer order.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossReduction, RunConfig } from '../config/schema';
import { deriveSeed } from '../util/rng';
import { activationLayer, TFJS_ACTIVATION, type ActivationName } from './layersActivations';
import { SeededDropout } from './layersDropout';
import type { Collective, Shard, ShardGradients, StepResult, TrainableModel, TrainingState, WeightSnapshot } from './model';
import { makeOptimizer, type Optimizer } from './optimizers';
import { heInitialWeights } from './scratchMlp';
import { synchronizeBatchNorm, type SynchronizedBatchNorm } from './syncBatchNorm';

export interface LayersMlpOptions {
  /** [input, ...hidden, classes] */
  sizes: number[];
  activation: ActivationName;
  batchNorm: boolean;
  dropout: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  l2: number;
  weightDecay: number;
  weightDecayMode: 'coupled' | 'decoupled';
  seed: number;
  /** 'mean' (default) or 'sum' of the batch's cross-entropy as the objective's data term (schema.ts). */
  lossReduction?: LossReduction;
}

/** PyTorch BatchNorm1d defaults, in tfjs terms (tfjs momentum = 1 − PyTorch momentum). */
export const BATCH_NORM = { momentum: 0.9, epsilon: 1e-5 } as const;

/** One variable of the model with its snapshot name. */
interface NamedVariable {
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

export function layersOptionsFromConfig(config: RunConfig, inputSize: number, classes: number): LayersMlpOptions {
  return {
    sizes: [inputSize, ...config.hidden, classes],
    activation: config.activation,
    batchNorm: config.batchNorm,
    dropout: config.dropout,
    optimizer: config.optimizer,
    momentum: config.momentum,
    beta1: config.beta1,
    beta2: config.beta2,
    epsilon: config.epsilon,
    l2: config.l2,
    weightDecay: config.weightDecay,
    weightDecayMode: config.weightDecayMode,
    seed: config.seed,
    lossReduction: config.lossReduction,
  };
}

/**
 * The first Dense layer's input is the data, whose gradient nothing needs. tfjs Dense computes x·W + b
 * with fused.matMul, whose custom gradient (taken in gradient mode whenever the activation is linear:
 * before BatchNorm, or before GELU/SiLU, which tfjs cannot fuse) eagerly computes ∂L/∂x too — an
 * [n, units]·[units, 784] product as large as the layer's forward pass, thrown away. In training this
 * layer runs the same math as matMul + add + activation, whose per-input gradients are lazy, so autograd
 * prunes ∂L/∂x. Inference keeps the fused kernel.
 */
function skipInputGradient(dense: tf.layers.Layer): void {
  const fusedCall = dense.call.bind(dense);
  const activation = (dense as unknown as { activation: { apply(x: tf.Tensor): tf.Tensor } }).activation;
  dense.call = (inputs, kwargs) => {
    if (!kwargs.training) return fusedCall(inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [n, d0]
      const [kernel, bias] = dense.weights.map((w) => w.read());
      return activation.apply(tf.add(tf.matMul(x, kernel), bias)); // [n, units]
    });
  };
}

export class LayersMlp implements TrainableModel {
  readonly engine = 'layers' as const;
  readonly parameterCount: number;
  /** The network as a tf.sequential (summary(), layer list); the forward pass walks its layers. */
  readonly model: tf.Sequential;
  private readonly named: NamedVariable[] = [];
  private readonly trainables: tf.Variable[];
  private readonly kernels: tf.Variable[] = [];
  private readonly optimizer: Optimizer;
  private readonly classes: number;
  /** Set on data-parallel replicas (joinCollective), in layer order. */
  private synchronized: SynchronizedBatchNorm[] = [];

  constructor(
    readonly options: LayersMlpOptions,
    initial: WeightSnapshot = heInitialWeights(options.sizes, options.seed),
  ) {
    const { sizes, activation, batchNorm, dropout } = options;
    this.classes = sizes[sizes.length - 1];
    const layers: tf.layers.Layer[] = [];
    const denses: tf.layers.Layer[] = [];
    const norms: (tf.layers.Layer | null)[] = [];
    for (let l = 0; l < sizes.length - 1; l++) {
      const hidden = l < sizes.length - 2;
      // Without BatchNorm the activation is fused into Dense (one _FusedMatMul kernel for relu).
      const dense = tf.layers.dense({
        units: sizes[l + 1],
        activation: hidden && !batchNorm ? TFJS_ACTIVATION[activation] : 'linear',
        kernelInitializer: 'zeros', // overwritten below from `initial`
        ...(l === 0 ? { inputShape: [sizes[0]] } : {}),
      });
      if (l === 0) skipInputGradient(dense);
      layers.push(dense);
      denses.push(dense);
      norms.push(null);
      if (!hidden) continue;
      if (batchNorm) {
        const norm = tf.layers.batchNormalization({ momentum: BATCH_NORM.momentum, epsilon: BATCH_NORM.epsilon });
        layers.push(norm, activationLayer(activation));
        norms[l] = norm;
      }
      if (dropout > 0) layers.push(new SeededDropout(dropout, deriveSeed(options.seed, `dropout-layer-${l}`)));
    }
    this.model = tf.sequential({ layers });
    for (let l = 0; l < denses.length; l++) {
      const [kernel, bias] = denses[l].weights;
      this.named.push({ name: `dense_${l}/kernel`, variable: kernel.read() as tf.Variable, trainable: true });
      this.named.push({ name: `dense_${l}/bias`, variable: bias.read() as tf.Variable, trainable: true });
      this.kernels.push(kernel.read() as tf.Variable);
      const norm = norms[l];
      if (norm) {
        // tfjs BatchNormalization weights are [gamma, beta, moving_mean, moving_variance].
        const [gamma, beta, mean, variance] = norm.weights;
        this.named.push({ name: `batch_norm_${l}/gamma`, variable: gamma.read() as tf.Variable, trainable: true });
        this.named.push({ name: `batch_norm_${l}/beta`, variable: beta.read() as tf.Variable, trainable: true });
        this.named.push({ name: `batch_norm_${l}/moving_mean`, variable: mean.read() as tf.Variable, trainable: false });
        this.named.push({ name: `batch_norm_${l}/moving_variance`, variable: variance.read() as tf.Variable, trainable: false });
      }
    }
    this.trainables = this.named.filter((n) => n.trainable).map((n) => n.variable);
    this.parameterCount = this.trainables.reduce((s, v) => s + v.size, 0);
    // Only the given names are set (He-initialised kernels and zero biases); BatchNorm starts at γ=1, β=0, μ=0, σ²=1.
    this.restore(initial, { partial: true });
    this.optimizer = makeOptimizer(options);
  }

  static fromConfig(config: RunConfig, inputSize: number, classes: number): LayersMlp {
    return new LayersMlp(layersOptionsFromConfig(config, inputSize, classes));
  }

  /** Logits [n, classes]; `training` switches BatchNorm to batch statistics (and updates the running ones) and turns dropout on. */
  forward(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    let h: tf.Tensor = x;
    for (const layer of this.model.layers) h = layer.apply(h, { training }) as tf.Tensor;
    return h as tf.Tensor2D;
  }

  logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.forward(x, false));
  }

  get trainableVariables(): tf.Variable[] {
    return this.trainables;
  }

  /**
   * The objective autograd differentiates: Σ CE / d (+ λ/2·Σ‖W‖² when l2 > 0), d = the batch's row count
   * (lossReduction 'mean') or 1 ('sum'). Returns the CE and logits too. For a shard of a larger batch
   * it is Σ_shard CE / d of the whole batch (+ the penalty only where shard.withPenalty), so the shards'
   * gradients add up to the whole batch's; `ce` is then the shard's CE sum, else the batch's mean CE.
   */
  private objective(x: tf.Tensor2D, targets: tf.Tensor2D, shard?: Shard): { objective: tf.Scalar; ce: tf.Scalar; logits: tf.Tensor2D } {
    const logits = this.forward(x, true); // [n, classes]
    const sum = this.options.lossReduction === 'sum';
    const ce = shard || sum
      ? (tf.losses.softmaxCrossEntropy(targets, logits, undefined, undefined, tf.Reduction.SUM) as tf.Scalar)
      : (tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar); // mean over the batch
    let objective: tf.Scalar = shard && !sum ? tf.mul(ce, 1 / shard.batchRows) : ce;
    if (this.options.l2 > 0 && (!shard || shard.withPenalty)) {
      for (const W of this.kernels) objective = tf.add(objective, tf.mul(tf.sum(tf.square(W)), this.options.l2 / 2));
    }
    return { objective, ce, logits };
  }

  /** Autograd over the trainables: gradients (trainable order), the CE (mean, or the shard's sum) and correct count. */
  private differentiate(x: tf.Tensor2D, labels: Int32Array, shard?: Shard): { grads: tf.Tensor[]; ce: number; correct: number } {
    const labelTensor = tf.tensor1d(labels, 'int32'); // [n]
    const targets = tf.tidy(() => tf.oneHot(labelTensor, this.classes).toFloat()) as tf.Tensor2D; // [n, classes]
    const dropouts = shard ? this.dropouts() : [];
    dropouts.forEach((d) => (d.window = { rowStart: shard!.rowStart }));
    let kept: tf.Tensor[] = [];
    try {
      const { value, grads } = tf.variableGrads(() => {
        const { objective, ce, logits } = this.objective(x, targets, shard);
        kept = [tf.keep(ce), tf.keep(logits)];
        return objective;
      }, this.trainables);
      const [ce, logits] = kept as [tf.Scalar, tf.Tensor2D];
      // The summed CE of a whole batch is reported as its mean, like every other loss figure.
      const reported = !shard && this.options.lossReduction === 'sum' ? ce.dataSync()[0] / labels.length : ce.dataSync()[0];
      const correct = tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits, 1), labelTensor).toInt()));
      const result = { grads: this.trainables.map((v) => grads[v.name]), ce: reported, correct: correct.dataSync()[0] };
      tf.dispose([value, correct]);
      return result;
    } finally {
      dropouts.forEach((d) => (d.window = null));
      tf.dispose([labelTensor, targets, ...kept]);
    }
  }

  trainStep(x: tf.Tensor2D, labels: Int32Array, lr: number): StepResult {
    const { grads, ce, correct } = this.differentiate(x, labels);
    this.applyGradients(grads, lr);
    tf.dispose(grads);
    return { loss: ce, correct };
  }

  shardGradients(x: tf.Tensor2D, labels: Int32Array, shard: Shard): ShardGradients {
    const { grads, ce, correct } = this.differentiate(x, labels, shard);
    return { grads, lossSum: ce, correct };
  }

  /** The optimiser's update, weight decay included (optimizers.ts). */
  applyGradients(grads: tf.Tensor[], lr: number): void {
    this.optimizer.apply(this.trainables, grads, lr);
  }

  /** Makes this model a data-parallel replica: BatchNorm in training normalises with statistics over all shards. */
  joinCollective(collective: Collective): void {
    for (const layer of this.model.layers) if (layer.getClassName() === 'BatchNormalization') this.synchronized.push(synchronizeBatchNorm(layer, collective));
  }

  /**
   * A replica without rows in this step (the batch has fewer rows than there are replicas) still does
   * what a step does to the shared state: the BatchNorm collectives, in forward then backward order,
   * with zero partials (and the running update they imply), and one draw of every dropout layer.
   */
  idleShard(): void {
    this.dropouts().forEach((d) => d.draws++);
    this.synchronized.forEach((bn) => bn.idleForward());
    this.synchronized.slice().reverse().forEach((bn) => bn.idleBackward());
  }

  snapshot(): WeightSnapshot {
    return {
      names: this.named.map((n) => n.name),
      shapes: this.named.map((n) => n.variable.shape.slice()),
      values: this.named.map((n) => n.variable.dataSync().slice() as Float32Array),
    };
  }

  /**
   * Sets weights by snapshot name. A full restore (saved model, best-epoch weights) needs every variable;
   * `partial` lets the constructor take the scratch engine's dense-only initial snapshot.
   */
  restore(snapshot: WeightSnapshot, { partial = false } = {}): void {
    const index = new Map(snapshot.names.map((name, i) => [name, i]));
    const missing = this.named.filter((n) => !index.has(n.name)).map((n) => n.name);
    if (missing.length && !partial) throw new Error(`weights for the layers model lack ${missing.join(', ')}; the snapshot was made for a different network`);
    const known = new Set(this.named.map((n) => n.name));
    const unknown = snapshot.names.filter((n) => !known.has(n));
    if (unknown.length) throw new Error(`weights ${unknown.join(', ')} do not belong to this layers model (${this.options.sizes.join('-')}${this.options.batchNorm ? ', BatchNorm' : ''})`);
    tf.tidy(() => {
      for (const n of this.named) {
        const i = index.get(n.name);
        if (i === undefined) continue;
        const shape = snapshot.shapes[i];
        if (shape.length !== n.variable.shape.length || shape.some((d, k) => d !== n.variable.shape[k])) {
          throw new Error(`weight ${n.name} has shape [${shape}] in the snapshot but [${n.variable.shape}] in the model`);
        }
        n.variable.assign(tf.tensor(snapshot.values[i], shape));
      }
    });
  }

  trainingState(): TrainingState {
    return { optimizer: this.optimizer.state(), dropoutDraws: this.dropouts().map((d) => d.draws) };
  }

  restoreTrainingState(state: TrainingState): void {
    const dropouts = this.dropouts();
    if (state.dropoutDraws.length !== dropouts.length) throw new Error(`the training state has ${state.dropoutDraws.length} dropout layer(s); this model has ${dropouts.length}`);
    this.optimizer.loadState(state.optimizer, this.trainables);
    dropouts.forEach((d, i) => (d.draws = state.dropoutDraws[i]));
  }

  private dropouts(): SeededDropout[] {
    return this.model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout);
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
