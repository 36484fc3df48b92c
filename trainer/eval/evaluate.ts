/**
 * Runs a model over a subset in inference mode and measures it: predictions, mean cross-entropy and
 * the full metric set. Inputs stream batch by batch from the uint8 pool like training does; an optional
 * transform (e.g. Gaussian noise) is applied to each scaled batch on the host before upload.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherScaled } from '../data/batches';
import type { TrainableModel } from '../engine/model';
import type { EvaluationMetrics } from '../result';
import { accuracyOf, confusionMatrix, macroF1, perClassScores } from './metrics';

export type PixelTransform = (pixels: Float32Array, batchIndex: number) => void;

export interface Predictions {
  truth: Int32Array;
  predicted: Int32Array;
  /** Sum over examples of −log p(true class). */
  crossEntropySum: number;
}

export function predict(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, batchSize = 2048, transform?: PixelTransform): Predictions {
  const n = indices.length;
  const truth = new Int32Array(n);
  const predicted = new Int32Array(n);
  let crossEntropySum = 0;
  const features = ds.rows * ds.cols;
  for (let from = 0, b = 0; from < n; from += batchSize, b++) {
    const to = Math.min(from + batchSize, n);
    const { pixels, labels } = gatherScaled(ds, indices, from, to);
    transform?.(pixels, b);
    const [pred, nll] = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(pixels, [to - from, features]));
      const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
      const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1])));
      return [tf.argMax(logits, 1), tf.neg(picked)];
    });
    predicted.set(pred.dataSync() as Int32Array, from);
    crossEntropySum += nll.dataSync()[0];
    truth.set(labels, from);
    tf.dispose([pred, nll]);
  }
  return { truth, predicted, crossEntropySum };
}

export function metricsFrom(p: Predictions, classNames: string[]): EvaluationMetrics {
  const confusion = confusionMatrix(p.truth, p.predicted, classNames.length);
  const perClass = perClassScores(confusion, classNames);
  return {
    count: p.truth.length,
    accuracy: accuracyOf(confusion),
    macroF1: macroF1(perClass),
    crossEntropy: p.truth.length ? p.crossEntropySum / p.truth.length : 0,
    perClass,
    confusion,
  };
}

export function evaluate(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, batchSize?: number): EvaluationMetrics {
  return metricsFrom(predict(model, ds, indices, batchSize), ds.classNames);
}

/** Fraction of predictions that match the truth (0 for no examples). */
export function predictionAccuracy(p: Predictions): number {
  let correct = 0;
  for (let i = 0; i < p.truth.length; i++) if (p.truth[i] === p.predicted[i]) correct++;
  return p.truth.length ? correct / p.truth.length : 0;
}

/** Accuracy and mean cross-entropy only (validation each epoch). */
export function quickEvaluate(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, batchSize?: number): { accuracy: number; crossEntropy: number } {
  const p = predict(model, ds, indices, batchSize);
  return { accuracy: predictionAccuracy(p), crossEntropy: p.truth.length ? p.crossEntropySum / p.truth.length : 0 };
}
