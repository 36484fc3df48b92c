/**
 * The shapes a training run produces: per-epoch metrics, the final evaluation, the robustness curve,
 * and the whole RunResult that `npm run train --out` writes as JSON and the worker stores in PostgreSQL.
 * Accuracies and F1 are fractions in [0,1]; losses are mean cross-entropy in nats.
 */
import type { RunConfig } from './config/schema';

export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  /** Wall-clock seconds spent in this epoch (training + validation). */
  seconds: number;
  samplesPerSecond: number;
}

export interface ClassScore {
  classIndex: number;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** True examples of this class in the evaluated set. */
  support: number;
}

export interface EvaluationMetrics {
  count: number;
  accuracy: number;
  macroF1: number;
  crossEntropy: number;
  perClass: ClassScore[];
  /** confusion[true][predicted] counts; rows are the true class. */
  confusion: number[][];
}

export interface RobustnessPoint {
  sigma: number;
  accuracy: number;
}

export interface DatasetSummary {
  name: string;
  classNames: string[];
  imageSize: { rows: number; cols: number };
  splitSizes: { train: number; val: number; test: number };
  /** Which source files were pooled (e.g. only the test split where that is all there is). */
  sources: string[];
}

export interface RunResult {
  config: RunConfig;
  preset: string | null;
  engine: RunConfig['engine'];
  backend: string;
  /** Compute threads (data-parallel replicas) training and evaluation ran on; 1 = the single-thread path (absent in results from before it was recorded). */
  threads?: number;
  /** The library its matrix products ran on, e.g. "OpenBLAS 0.3.21" or "XNNPACK" (absent in older results). */
  kernels?: string;
  /** Backend, kernel library and threads in one phrase: "wasm + OpenBLAS 0.3.21, 2 threads" (absent in older results). */
  compute?: string;
  codeVersion: string;
  seed: number;
  dataset: DatasetSummary;
  parameters: number;
  history: EpochMetrics[];
  /** Epoch whose weights were kept (the best validation loss when early stopping is on). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Set when a caller asked the run to stop (cancel) before its last epoch. */
  cancelled: boolean;
  /** Final weights measured on the whole train and validation splits (null when cancelled). */
  train: { accuracy: number; crossEntropy: number } | null;
  validation: { accuracy: number; crossEntropy: number } | null;
  /** Null when the run was cancelled before its evaluation. */
  test: EvaluationMetrics | null;
  /**
   * The robustness curve under the config's protocol (noisy pixels clamped to [0,1] when `clip`), and
   * `other`: the same noise draw under the opposite clipping, so reports can compare the two protocols
   * (absent in results from before it was measured).
   */
  robustness: { clip: boolean; points: RobustnessPoint[]; other?: { clip: boolean; points: RobustnessPoint[] } };
  timings: { totalSeconds: number; trainSeconds: number; evalSeconds: number; meanEpochSeconds: number; samplesPerSecond: number };
  startedAt: string;
  finishedAt: string;
}
