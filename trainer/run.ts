/**
 * One experiment end to end, the library entry point used by the CLI and by the run-service worker:
 * split the pooled data, build the engine's model, train (with callbacks for progress, epochs and
 * cancel), then measure the kept weights on train/val/test, the robustness curve, optionally save the
 * model, and return the RunResult. The model folder is checked for writing before training, and
 * `onEvaluated` gets the complete result before the model is saved (the worker stores it there, so a
 * failing save cannot lose a finished run). Given a checkpoint (callbacks.onCheckpoint of an earlier,
 * interrupted attempt) it continues from there instead of from epoch 1.
 *
 * With more than one thread (config.threads, else the worker's share of the host's cores) training and
 * evaluation run on data-parallel replicas (trainer/parallel/); the result records the count used.
 * Evaluation computes each figure once: the validation figures of the kept weights are the ones the loop
 * measured at that epoch, the clean test pass gives accuracy, confusion, per-image outputs and the
 * robustness curve's σ = 0 point, and the noisy passes draw each block's noise once for every σ.
 */
import path from 'node:path';
import type { RunConfig } from './config/schema';
import type { Dataset } from './data/dataset';
import { splitDataset } from './data/split';
import { activeBackend, describeCompute, initBackend, kernelLibrary, setKernelThreads } from './engine/backend';
import { createModel } from './engine/factory';
import { CLEAN_PASS, metricsFrom, predictionsOf, quickMetricsOf } from './eval/evaluate';
import { localEvaluator } from './eval/evaluator';
import type { InferenceOutputs, InferenceProgress, InferenceRequest } from './eval/inference';
import type { TestSamples } from './eval/testPredictions';
import { noisePass, robustnessPoints } from './eval/robustness';
import { saveModel } from './model/savedModel';
import { ReplicaPool } from './parallel/replicaPool';
import { planThreads, resolveThreads } from './parallel/threads';
import type { RunResult } from './result';
import { trainModel, type TrainCallbacks } from './train/loop';
import { checkpointFingerprint, type TrainingCheckpoint } from './train/checkpoint';
import { codeVersion } from './version';
import { deriveSeed } from './util/rng';
import { writableFolderProblem } from './util/writableFolder';

export type RunPhase = 'loading' | 'training' | 'evaluating' | 'robustness' | 'saving';

export type { TestSamples } from './eval/testPredictions';

/**
 * Progress inside the evaluation phases: what is being measured ("evaluating test set", "robustness
 * σ 0.3 (4 of 6)") and how far it is, in images (robustness: images × noise levels) of the phase.
 */
export interface PhaseProgress {
  phase: 'evaluating' | 'robustness';
  label: string;
  done: number;
  total: number;
}

export interface RunCallbacks extends TrainCallbacks {
  onPhase?(phase: RunPhase): void;
  /** Progress within 'evaluating' and 'robustness', after every inference step. */
  onPhaseProgress?(progress: PhaseProgress): void;
  /** The clean test pass's per-image outputs, once it has run. */
  onTestSamples?(samples: TestSamples): void;
}

export interface RunOptions {
  dataset: Dataset;
  preset?: string | null;
  saveModelDir?: string;
  callbacks?: RunCallbacks;
  /** Continue an interrupted run from its last checkpoint (refused if it belongs to another run). */
  resumeFrom?: TrainingCheckpoint | null;
  /** The finished run's result, before its model is saved (not called for a cancelled run). */
  onEvaluated?(result: RunResult): Promise<void>;
  /** Cores this worker may use when config.threads is 0 (default: all; see threadsPerWorker). */
  threadBudget?: number;
}

/** "robustness σ 0.3 (4 of 6)": the level among all of the curve's (σ = 0 is the clean pass), and the noise group when there are several. */
export function robustnessLabel(sigmas: number[], sigma: number, group: number, groups: number): string {
  return `robustness σ ${sigma} (${sigmas.indexOf(sigma) + 1} of ${sigmas.length})${groups > 1 ? `, images part ${group} of ${groups}` : ''}`;
}

function testSamples(indices: Uint32Array, out: InferenceOutputs): TestSamples {
  return { indices, truth: out.truth, predicted: out.predicted, trueProbability: out.trueProbability, top3: out.top3, top3Probability: out.top3Probability };
}

export async function runExperiment(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const started = new Date();
  const t0 = performance.now();
  const { dataset: ds, callbacks = {} } = options;
  const modelFolderProblem = options.saveModelDir ? await writableFolderProblem(path.dirname(path.resolve(options.saveModelDir)), 'model folder') : null;
  if (modelFolderProblem) throw new Error(`${modelFolderProblem}; training was not started. Choose a writable folder for the model`);
  const backend = await initBackend(config.backend);
  callbacks.onPhase?.('loading');
  const split = splitDataset(ds, config.split, config.seed);
  if (split.train.length === 0 || split.val.length === 0 || split.test.length === 0) {
    throw new Error(`dataset ${ds.name} (${ds.count} images) is too small for this split: train ${split.train.length}, val ${split.val.length}, test ${split.test.length}`);
  }
  const inputSize = ds.rows * ds.cols;
  const classes = ds.classNames.length;
  const model = createModel(config, inputSize, classes);
  const kernels = kernelLibrary(backend);
  // T compute threads: replicas × BLAS threads per replica on the native CPU path (planThreads), never more.
  const plan = planThreads(resolveThreads(config.threads, backend, options.threadBudget, config.batchSize), setKernelThreads(1));
  setKernelThreads(plan.blasThreads);
  let threads = plan.replicas * plan.blasThreads;
  let pool: ReplicaPool | null = null;
  try {
    if (plan.replicas > 1) {
      try {
        pool = await ReplicaPool.start({ threads: plan.replicas, backend, config, dataset: ds, inputSize, classes, trainRows: split.train.length, weights: model.snapshot() });
      } catch (err) {
        // The same run on one thread beats no run; the result records the count actually used.
        process.emitWarning(`data-parallel training could not start ${plan.replicas} threads (${(err as Error).message}); training on one thread`);
        threads = plan.blasThreads;
      }
    }
    callbacks.onPhase?.('training');
    const outcome = await trainModel(model, ds, split, config, callbacks, { fingerprint: checkpointFingerprint(config, ds, split), resumeFrom: options.resumeFrom }, pool);
    const tEval = performance.now();
    // The kept weights (best epoch's with early stopping) to every replica, once.
    const evaluator = pool ? pool.evaluator(model.snapshot()) : localEvaluator(model, ds);
    let test: RunResult['test'] = null;
    let train: RunResult['train'] = null;
    let validation: RunResult['validation'] = null;
    let points: RunResult['robustness']['points'] = [];
    let other: RunResult['robustness']['other'];
    // Evaluation on EMNIST takes tens of seconds; a stop asked for meanwhile is honoured between phases.
    const stopRequested = () => {
      if (!outcome.cancelled && callbacks.shouldStop?.()) outcome.cancelled = true;
      return outcome.cancelled;
    };
    const evaluating = (what: string) => (p: InferenceProgress) => callbacks.onPhaseProgress?.({ phase: 'evaluating', label: `evaluating ${what}`, done: p.done, total: p.total });
    if (!stopRequested()) {
      callbacks.onPhase?.('evaluating');
      train = quickMetricsOf(predictionsOf(await evaluator.infer(split.train, CLEAN_PASS, evaluating('training set'))));
      // The loop validated these very weights after epoch bestEpoch (best-epoch snapshot or last epoch).
      const kept = outcome.history[outcome.bestEpoch - 1];
      validation = kept ? { accuracy: kept.valAccuracy, crossEntropy: kept.valLoss } : quickMetricsOf(predictionsOf(await evaluator.infer(split.val, CLEAN_PASS, evaluating('validation set'))));
      const clean = await evaluator.infer(split.test, { clean: true, perSample: true, noise: null }, evaluating('test set'));
      test = metricsFrom(predictionsOf(clean), ds.classNames);
      callbacks.onTestSamples?.(testSamples(split.test, clean));
    }
    if (!stopRequested() && test) {
      callbacks.onPhase?.('robustness');
      const robustness = { sigmas: config.robustness.sigmas, clip: config.robustness.clip, seed: deriveSeed(config.seed, 'robustness') };
      const pass = noisePass(robustness);
      const progressOf = (p: InferenceRequest, protocol: string) => (q: InferenceProgress) => {
        const sigma = p.noise!.sigmas[q.sigma ?? 0];
        callbacks.onPhaseProgress?.({ phase: 'robustness', label: `${robustnessLabel(config.robustness.sigmas, sigma, q.group, q.groups)}${protocol}`, done: q.done, total: q.total });
      };
      points = robustnessPoints(robustness, test.accuracy, pass ? await evaluator.infer(split.test, pass, progressOf(pass, '')) : null);
      // The other protocol from the same noise draw (same seeds): whether clipping explains a gap to the study.
      const flipped = { ...robustness, clip: !robustness.clip };
      const otherPass = noisePass(flipped);
      if (otherPass && !stopRequested()) {
        const protocol = flipped.clip ? ', clipped' : ', unclipped';
        other = { clip: flipped.clip, points: robustnessPoints(flipped, test.accuracy, await evaluator.infer(split.test, otherPass, progressOf(otherPass, protocol))) };
      }
    }
    const evalSeconds = (performance.now() - tEval) / 1000;
    const samplesTrained = outcome.history.length * split.train.length;
    const result: RunResult = {
      config,
      preset: options.preset ?? null,
      engine: config.engine,
      backend: activeBackend(),
      threads,
      kernels,
      compute: describeCompute(activeBackend(), kernels, threads),
      codeVersion: codeVersion(),
      seed: config.seed,
      dataset: {
        name: ds.name,
        classNames: ds.classNames,
        imageSize: { rows: ds.rows, cols: ds.cols },
        splitSizes: { train: split.train.length, val: split.val.length, test: split.test.length },
        sources: ds.sources.map((s) => `${s.file} (${s.role}, ${s.count})`),
      },
      parameters: model.parameterCount,
      history: outcome.history,
      bestEpoch: outcome.bestEpoch,
      stoppedEarly: outcome.stoppedEarly,
      cancelled: outcome.cancelled,
      train,
      validation,
      test,
      robustness: { clip: config.robustness.clip, points, ...(other ? { other } : {}) },
      timings: {
        // A resumed run also counts the epochs trained before the interruption.
        totalSeconds: (performance.now() - t0) / 1000 + (options.resumeFrom?.history.reduce((sum, h) => sum + h.seconds, 0) ?? 0),
        trainSeconds: outcome.trainSeconds,
        evalSeconds,
        meanEpochSeconds: outcome.history.length ? outcome.history.reduce((s, h) => s + h.seconds, 0) / outcome.history.length : 0,
        samplesPerSecond: outcome.trainSeconds > 0 ? samplesTrained / outcome.trainSeconds : 0,
      },
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
    };
    if (!outcome.cancelled && test) await options.onEvaluated?.(result);
    if (options.saveModelDir && !outcome.cancelled) {
      callbacks.onPhase?.('saving');
      await saveModel(options.saveModelDir, model, {
        config,
        inputSize,
        classNames: ds.classNames,
        image: { rows: ds.rows, cols: ds.cols, transposed: ds.transposed },
        backend: activeBackend(),
        codeVersion: codeVersion(),
      });
    }
    return result;
  } finally {
    await pool?.close();
    model.dispose();
  }
}
