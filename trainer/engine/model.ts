/**
 * What the training loop needs from an engine. The scratch engine (hand-written backprop) and the
 * layers engine (tf.layers + autograd) both implement it, so data, loop, early stopping, metrics,
 * robustness and saving are shared and the two engines can be compared step for step.
 */
import type * as tf from '@tensorflow/tfjs';
import type { OptimizerState } from './optimizers';

export interface StepResult {
  /** Mean cross-entropy of the batch before the update (the data term, without any penalty). */
  loss: number;
  /** Correct predictions in the batch before the update. */
  correct: number;
}

/** Weights as plain arrays, in layer order; used for best-weight restore and saving. */
export interface WeightSnapshot {
  names: string[];
  shapes: number[][];
  values: Float32Array[];
}

/**
 * What training has accumulated besides the weights: with snapshot(), all a checkpoint needs for the
 * next step to be exactly the one an uninterrupted run would take.
 */
export interface TrainingState {
  optimizer: OptimizerState;
  /** Masks drawn so far by each seeded dropout layer, in layer order (empty without dropout). */
  dropoutDraws: number[];
}

/**
 * Sums across the replicas of data-parallel training (trainer/parallel/): each replica passes its
 * partial and receives the total, added in replica order so every replica holds identical totals.
 */
export interface Collective {
  /** Rows of the whole mini-batch being trained (all shards together). */
  readonly batchRows: number;
  sum(partial: Float32Array): Float64Array;
}

/** One replica's part of a mini-batch in data-parallel training. */
export interface Shard {
  /** Rows of the whole mini-batch: a shard's loss is Σ CE / batchRows, so shard gradients add up to the batch's. */
  batchRows: number;
  /** This shard's first row within the batch (dropout masks are drawn for the batch; a shard takes its rows). */
  rowStart: number;
  /** Adds the penalty term (L2); true in exactly one shard, so the summed gradient counts it once. */
  withPenalty: boolean;
}

export interface ShardGradients {
  /** Gradients in trainableVariables order; the caller disposes them. */
  grads: tf.Tensor[];
  /** Σ over the shard's rows of the cross-entropy (before the update). */
  lossSum: number;
  correct: number;
}

export interface TrainableModel {
  readonly engine: 'scratch' | 'layers';
  readonly parameterCount: number;
  /** True when trainStep can use the batch pre-transposed ([features, n]); the data pipeline then supplies it. */
  readonly usesTransposedInput?: boolean;
  /** One optimisation step on a batch ([n, features] in [0,1], labels [n]) at learning rate `lr`. */
  trainStep(x: tf.Tensor2D, labels: Int32Array, lr: number, xT?: tf.Tensor2D): StepResult;
  /** The shard's share of one step: its loss sum and its gradient of the batch objective (no update). */
  shardGradients(x: tf.Tensor2D, labels: Int32Array, shard: Shard, xT?: tf.Tensor2D): ShardGradients;
  /** The update trainStep makes, from a given (summed) gradient. */
  applyGradients(grads: tf.Tensor[], lr: number): void;
  /** The variables the optimiser updates, in gradient order. */
  readonly trainableVariables: tf.Variable[];
  /** Data-parallel replicas only: BatchNorm in training then takes its batch statistics over every shard. */
  joinCollective?(collective: Collective): void;
  /** Data-parallel replicas only: a step in which this replica's shard is empty (keeps collectives and dropout draws in step). */
  idleShard?(): void;
  /** Logits [n, classes] in inference mode (no dropout, BatchNorm running statistics). */
  logits(x: tf.Tensor2D): tf.Tensor2D;
  snapshot(): WeightSnapshot;
  restore(snapshot: WeightSnapshot): void;
  trainingState(): TrainingState;
  restoreTrainingState(state: TrainingState): void;
  dispose(): void;
}
