/**
 * One experiment end to end, the library entry point used by the CLI and by the run-service worker:
 * split the pooled data, build the engine's model, train (with callbacks for progress, epochs and
 * cancel), then measure the kept weights on train/val/test, the robustness curve, optionally save the
 * model, and return the RunResult. The model folder is checked for writing before training, and
 * `onEvaluated` gets the complete result before the model is saved (the worker stores it there, so a
 * failing save cannot lose a finished run). Given a checkpoint (callbacks.onCheckpoint of an earlier,
 * interrupted attempt) it continues from there instead of from epoch 1.
 */
import path from 'node:path';
import type { RunConfig } from './config/schema';
import type { Dataset } from './data/dataset';
import { splitDataset } from './data/split';
import { activeBackend, initBackend } from './engine/backend';
import { createModel } from './engine/factory';
import { evaluate, quickEvaluate } from './eval/evaluate';
import { robustnessCurve } from './eval/robustness';
import { saveModel } from './model/savedModel';
import type { RunResult } from './result';
import { trainModel, type TrainCallbacks } from './train/loop';
import { checkpointFingerprint, type TrainingCheckpoint } from './train/checkpoint';
import { codeVersion } from './version';
import { deriveSeed } from './util/rng';
import { writableFolderProblem } from './util/writableFolder';

export type RunPhase = 'loading' | 'training' | 'evaluating' | 'robustness' | 'saving';

export interface RunCallbacks extends TrainCallbacks {
  onPhase?(phase: RunPhase): void;
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
}

export async function runExperiment(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const started = new Date();
  const t0 = performance.now();
  const { dataset: ds, callbacks = {} } = options;
  const modelFolderProblem = options.saveModelDir ? await writableFolderProblem(path.dirname(path.resolve(options.saveModelDir)), 'model folder') : null;
  if (modelFolderProblem) throw new Error(`${modelFolderProblem}; training was not started. Choose a writable folder for the model`);
  await initBackend(config.backend);
  callbacks.onPhase?.('loading');
  const split = splitDataset(ds, config.split, config.seed);
  if (split.train.length === 0 || split.val.length === 0 || split.test.length === 0) {
    throw new Error(`dataset ${ds.name} (${ds.count} images) is too small for this split: train ${split.train.length}, val ${split.val.length}, test ${split.test.length}`);
  }
  const inputSize = ds.rows * ds.cols;
  const classes = ds.classNames.length;
  const model = createModel(config, inputSize, classes);
  try {
    callbacks.onPhase?.('training');
    const outcome = await trainModel(model, ds, split, config, callbacks, { fingerprint: checkpointFingerprint(config, ds, split), resumeFrom: options.resumeFrom });
    const tEval = performance.now();
    let test: RunResult['test'] = null;
    let train: RunResult['train'] = null;
    let validation: RunResult['validation'] = null;
    let points: RunResult['robustness']['points'] = [];
    // Evaluation on EMNIST takes tens of seconds; a stop asked for meanwhile is honoured between phases.
    const stopRequested = () => {
      if (!outcome.cancelled && callbacks.shouldStop?.()) outcome.cancelled = true;
      return outcome.cancelled;
    };
    if (!stopRequested()) {
      callbacks.onPhase?.('evaluating');
      train = quickEvaluate(model, ds, split.train);
      validation = quickEvaluate(model, ds, split.val);
      test = evaluate(model, ds, split.test);
    }
    if (!stopRequested()) {
      callbacks.onPhase?.('robustness');
      points = robustnessCurve(model, ds, split.test, { sigmas: config.robustness.sigmas, clip: config.robustness.clip, seed: deriveSeed(config.seed, 'robustness') });
    }
    const evalSeconds = (performance.now() - tEval) / 1000;
    const samplesTrained = outcome.history.length * split.train.length;
    const result: RunResult = {
      config,
      preset: options.preset ?? null,
      engine: config.engine,
      backend: activeBackend(),
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
      robustness: { clip: config.robustness.clip, points },
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
    model.dispose();
  }
}
