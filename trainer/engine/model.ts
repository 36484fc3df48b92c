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

export interface TrainableModel {
  readonly engine: 'scratch' | 'layers';
  readonly parameterCount: number;
  /** True when trainStep can use the batch pre-transposed ([features, n]); the data pipeline then supplies it. */
  readonly usesTransposedInput?: boolean;
  /** One optimisation step on a batch ([n, features] in [0,1], labels [n]) at learning rate `lr`. */
  trainStep(x: tf.Tensor2D, labels: Int32Array, lr: number, xT?: tf.Tensor2D): StepResult;
  /** Logits [n, classes] in inference mode (no dropout, BatchNorm running statistics). */
  logits(x: tf.Tensor2D): tf.Tensor2D;
  snapshot(): WeightSnapshot;
  restore(snapshot: WeightSnapshot): void;
  trainingState(): TrainingState;
  restoreTrainingState(state: TrainingState): void;
  dispose(): void;
}
