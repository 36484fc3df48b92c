/**
 * The training loop shared by both engines: per-epoch learning rate from the schedule, seeded
 * reshuffled mini-batches, running train loss/accuracy, validation after each epoch, early stopping
 * with best-weight restore, and cooperative cancel (polled every batch). It yields to the event loop
 * after each batch so a worker's heartbeats and notifications keep flowing during long epochs.
 * After each epoch it can hand out a checkpoint, and it can start from one: a resumed run takes the
 * same steps, on the same batches, as one that was never interrupted.
 *
 * Given a ReplicaPool, the steps are taken by data-parallel replicas (epochRunner.ts): the host `model`
 * then receives the trained weights and training state after every epoch, and validation runs on the
 * replicas, so everything else here (early stopping, best weights, checkpoints) is the same code.
 */
import type { RunConfig } from '../config/schema';
import type { Dataset } from '../data/dataset';
import type { Split } from '../data/split';
import type { TrainableModel, WeightSnapshot } from '../engine/model';
import { learningRateAt } from '../engine/schedules';
import { EarlyStopping } from '../engine/earlyStopping';
import { CLEAN_PASS, predictionsOf, quickMetricsOf } from '../eval/evaluate';
import { localEvaluator, type Evaluator } from '../eval/evaluator';
import type { ReplicaPool } from '../parallel/replicaPool';
import type { EpochMetrics } from '../result';
import { CheckpointError, type TrainingCheckpoint } from './checkpoint';
import { ReplicaRunner, StreamRunner, type EpochRunner } from './epochRunner';

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  samplesPerSecond: number;
  /** Running mean training loss of this epoch so far. */
  loss: number;
}

export interface TrainCallbacks {
  onEpoch?(metrics: EpochMetrics): void | Promise<void>;
  onBatch?(progress: BatchProgress): void;
  /** Polled after every batch; true ends training at once (finished epochs are kept). */
  shouldStop?(): boolean;
  /** After each epoch and its early-stopping decision: the state to resume from (see checkpoint.ts). */
  onCheckpoint?(checkpoint: TrainingCheckpoint): void | Promise<void>;
}

export interface ResumeOptions {
  /** checkpointFingerprint() of this run; stamped on checkpoints and checked against resumeFrom's. */
  fingerprint?: string;
  resumeFrom?: TrainingCheckpoint | null;
}

export interface TrainOutcome {
  history: EpochMetrics[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  trainSeconds: number;
}

/**
 * Trains `model` (on this thread, or through `pool`'s replicas when given; the pool must have been
 * started for this model, config and dataset).
 */
export async function trainModel(model: TrainableModel, ds: Dataset, split: Split, config: RunConfig, callbacks: TrainCallbacks = {}, resume: ResumeOptions = {}, pool: ReplicaPool | null = null): Promise<TrainOutcome> {
  const runner = pool ? new ReplicaRunner(pool, model, split.train, config) : new StreamRunner(model, ds, split.train, config);
  const evaluator = pool ? pool.evaluator(null) : localEvaluator(model, ds);
  try {
    return await trainEpochs(model, split, config, callbacks, runner, evaluator, resume);
  } finally {
    await runner.close();
  }
}

async function trainEpochs(model: TrainableModel, split: Split, config: RunConfig, callbacks: TrainCallbacks, runner: EpochRunner, evaluator: Evaluator, resume: ResumeOptions): Promise<TrainOutcome> {
  const stopper = config.earlyStopping ? new EarlyStopping(config.earlyStopping.patience, config.earlyStopping.minDelta) : null;
  const history: EpochMetrics[] = [];
  let best: WeightSnapshot | null = null;
  let stoppedEarly = false;
  let cancelled = false;
  let trainSeconds = 0;

  const from = resume.resumeFrom;
  if (from) {
    if (resume.fingerprint && from.fingerprint !== resume.fingerprint) {
      throw new CheckpointError('the checkpoint belongs to a different config, dataset or split than this run; it cannot be resumed');
    }
    if (from.history.length > config.epochs) throw new CheckpointError(`the checkpoint has ${from.history.length} epochs; this run has only ${config.epochs}`);
    if (!stopper !== !from.earlyStopping) throw new CheckpointError('the checkpoint and this run disagree on early stopping');
    model.restore(from.weights);
    model.restoreTrainingState(from.training);
    if (stopper && from.earlyStopping) stopper.restoreState(from.earlyStopping);
    best = from.best;
    history.push(...from.history);
    stoppedEarly = from.stoppedEarly;
    trainSeconds = from.trainSeconds;
    runner.skipEpochs(from.history.length);
    await runner.syncReplicas();
  }
  const checkpoint = async () => {
    if (!callbacks.onCheckpoint) return;
    await callbacks.onCheckpoint({
      fingerprint: resume.fingerprint ?? '',
      history: history.slice(),
      stoppedEarly,
      trainSeconds,
      weights: model.snapshot(),
      training: model.trainingState(),
      earlyStopping: stopper ? stopper.state() : null,
      best,
    });
  };

  for (let e = history.length; e < config.epochs && !cancelled && !stoppedEarly; e++) {
    const lr = learningRateAt(config.schedule, config.lr, e);
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let batch = 0;
    await runner.run(lr, (step, size) => {
      lossSum += step.loss * size;
      correct += step.correct;
      seen += size;
      batch += 1;
      callbacks.onBatch?.({ epoch: e + 1, epochs: config.epochs, batch, batches: runner.batchCount, samplesPerSecond: seen / ((performance.now() - started) / 1000), loss: lossSum / seen });
      if (!Number.isFinite(step.loss)) throw new Error(`training diverged: loss is ${step.loss} at epoch ${e + 1}, batch ${batch}; lower the learning rate`);
      if (callbacks.shouldStop?.()) cancelled = true;
      return !cancelled;
    });
    if (cancelled) break;
    const trainTime = (performance.now() - started) / 1000;
    trainSeconds += trainTime;
    await runner.syncHost();
    const val = quickMetricsOf(predictionsOf(await evaluator.infer(split.val, CLEAN_PASS)));
    const metrics: EpochMetrics = {
      epoch: e + 1,
      lr,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      valLoss: val.crossEntropy,
      valAccuracy: val.accuracy,
      seconds: (performance.now() - started) / 1000,
      samplesPerSecond: seen / trainTime,
    };
    history.push(metrics);
    await callbacks.onEpoch?.(metrics);
    if (stopper) {
      const { improved, stop } = stopper.update(e + 1, val.crossEntropy);
      if (improved) best = model.snapshot();
      stoppedEarly = stop;
    }
    await checkpoint();
    if (!stoppedEarly && callbacks.shouldStop?.()) cancelled = true;
  }
  if (stopper && best) model.restore(best);
  return { history, bestEpoch: stopper && best ? stopper.bestEpoch : history.length, stoppedEarly, cancelled, trainSeconds };
}
