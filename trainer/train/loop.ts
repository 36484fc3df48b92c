/**
 * The training loop shared by both engines: per-epoch learning rate from the schedule, seeded
 * reshuffled mini-batches, running train loss/accuracy, validation after each epoch, early stopping
 * with best-weight restore, and cooperative cancel (polled every batch). It yields to the event loop
 * after each batch so a worker's heartbeats and notifications keep flowing during long epochs.
 */
import type { RunConfig } from '../config/schema';
import type { Dataset } from '../data/dataset';
import type { Split } from '../data/split';
import { PrefetchingBatchStream } from '../data/prefetchStream';
import type { TrainableModel, WeightSnapshot } from '../engine/model';
import { learningRateAt } from '../engine/schedules';
import { EarlyStopping } from '../engine/earlyStopping';
import { quickEvaluate } from '../eval/evaluate';
import type { EpochMetrics } from '../result';

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
}

export interface TrainOutcome {
  history: EpochMetrics[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  trainSeconds: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainModel(model: TrainableModel, ds: Dataset, split: Split, config: RunConfig, callbacks: TrainCallbacks = {}): Promise<TrainOutcome> {
  const stream = new PrefetchingBatchStream(ds, split.train, config.batchSize, { shuffleSeed: config.seed, withTransposed: model.usesTransposedInput });
  try {
    return await trainEpochs(model, ds, split, config, callbacks, stream);
  } finally {
    await stream.close();
  }
}

async function trainEpochs(model: TrainableModel, ds: Dataset, split: Split, config: RunConfig, callbacks: TrainCallbacks, stream: PrefetchingBatchStream): Promise<TrainOutcome> {
  const stopper = config.earlyStopping ? new EarlyStopping(config.earlyStopping.patience, config.earlyStopping.minDelta) : null;
  const history: EpochMetrics[] = [];
  let best: WeightSnapshot | null = null;
  let stoppedEarly = false;
  let cancelled = false;
  let trainSeconds = 0;

  for (let e = 0; e < config.epochs && !cancelled; e++) {
    const lr = learningRateAt(config.schedule, config.lr, e);
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let batch = 0;
    for await (const { x, xT, labels, size } of stream.epoch()) {
      const step = model.trainStep(x, labels, lr, xT);
      x.dispose();
      xT?.dispose();
      lossSum += step.loss * size;
      correct += step.correct;
      seen += size;
      batch += 1;
      callbacks.onBatch?.({ epoch: e + 1, epochs: config.epochs, batch, batches: stream.batchCount, samplesPerSecond: seen / ((performance.now() - started) / 1000), loss: lossSum / seen });
      if (!Number.isFinite(step.loss)) throw new Error(`training diverged: loss is ${step.loss} at epoch ${e + 1}, batch ${batch}; lower the learning rate`);
      if (callbacks.shouldStop?.()) {
        cancelled = true;
        break;
      }
      await yieldToEventLoop();
    }
    if (cancelled) break;
    const trainTime = (performance.now() - started) / 1000;
    trainSeconds += trainTime;
    const val = quickEvaluate(model, ds, split.val);
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
      if (stop) {
        stoppedEarly = true;
        break;
      }
    }
    if (callbacks.shouldStop?.()) cancelled = true;
  }
  if (stopper && best) model.restore(best);
  return { history, bestEpoch: stopper && best ? stopper.bestEpoch : history.length, stoppedEarly, cancelled, trainSeconds };
}
