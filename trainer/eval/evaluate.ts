/**
 * Measures a model on a subset in inference mode: predictions, mean cross-entropy and the full metric
 * set, computed from the block inference of inference.ts (on this thread here; the data-parallel pool
 * runs the same blocks on its replicas, see evaluator.ts). Inputs stream block by block from the uint8
 * pool like training does.
 */
import type { Dataset } from '../data/dataset';
import type { TrainableModel } from '../engine/model';
import type { EvaluationMetrics } from '../result';
import { crossEntropySum, inferAll, type InferenceOutputs, type InferenceRequest } from './inference';
import { accuracyOf, confusionMatrix, macroF1, perClassScores } from './metrics';

export interface Predictions {
  truth: Int32Array;
  predicted: Int32Array;
  /** Sum over examples of −log p(true class). */
  crossEntropySum: number;
}

export interface QuickMetrics {
  accuracy: number;
  crossEntropy: number;
}

/** Predicted class and cross-entropy only. */
export const CLEAN_PASS: InferenceRequest = { clean: true, perSample: false, noise: null };

export function predictionsOf(out: InferenceOutputs): Predictions {
  return { truth: out.truth, predicted: out.predicted, crossEntropySum: crossEntropySum(out) };
}

export function predict(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>): Predictions {
  return predictionsOf(inferAll(model, ds, indices, CLEAN_PASS));
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

export function evaluate(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>): EvaluationMetrics {
  return metricsFrom(predict(model, ds, indices), ds.classNames);
}

/** Fraction of predictions that match the truth (0 for no examples). */
export function predictionAccuracy(p: Predictions): number {
  let correct = 0;
  for (let i = 0; i < p.truth.length; i++) if (p.truth[i] === p.predicted[i]) correct++;
  return p.truth.length ? correct / p.truth.length : 0;
}

export function quickMetricsOf(p: Predictions): QuickMetrics {
  return { accuracy: predictionAccuracy(p), crossEntropy: p.truth.length ? p.crossEntropySum / p.truth.length : 0 };
}

/** Accuracy and mean cross-entropy only (validation each epoch). */
export function quickEvaluate(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>): QuickMetrics {
  return quickMetricsOf(predict(model, ds, indices));
}
