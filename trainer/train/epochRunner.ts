/**
 * How an epoch's training steps are taken: on this thread, batch by batch from the prefetching stream
 * (StreamRunner, the single-thread path), or by the data-parallel replicas (ReplicaRunner). Both walk the
 * same seeded batch order — the training indices reshuffled once per epoch by mulberry32(seed,
 * 'batches'), exactly as BatchStream and PrefetchingBatchStream shuffle them — so N threads train on the
 * same batches, in the same order, as one.
 */
import type { RunConfig } from '../config/schema';
import type { Dataset } from '../data/dataset';
import { PrefetchingBatchStream } from '../data/prefetchStream';
import type { StepResult, TrainableModel } from '../engine/model';
import type { ReplicaPool } from '../parallel/replicaPool';
import { deriveSeed, mulberry32, shuffleInPlace, type Rng } from '../util/rng';

/** Called after every step with its result and batch size; false stops the epoch after that step. */
export type StepCallback = (step: StepResult, size: number) => boolean;

export interface EpochRunner {
  readonly batchCount: number;
  /** Advances the batch order past `epochs` epochs (resuming from a checkpoint). */
  skipEpochs(epochs: number): void;
  /** One epoch at learning rate `lr`. */
  run(lr: number, onStep: StepCallback): Promise<void>;
  /** After an epoch: the host model gets the trained weights and training state (no-op on one thread). */
  syncHost(): Promise<void>;
  /** Before resuming: the replicas get the host model's weights and training state (no-op on one thread). */
  syncReplicas(): Promise<void>;
  close(): Promise<void>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Today's single-thread path: the host model trains on batches prepared by the prefetching stream. */
export class StreamRunner implements EpochRunner {
  private readonly stream: PrefetchingBatchStream;

  constructor(private readonly model: TrainableModel, ds: Dataset, train: Uint32Array, config: RunConfig) {
    this.stream = new PrefetchingBatchStream(ds, train, config.batchSize, { shuffleSeed: config.seed, withTransposed: model.usesTransposedInput });
  }

  get batchCount(): number {
    return this.stream.batchCount;
  }

  skipEpochs(epochs: number): void {
    this.stream.skipEpochs(epochs);
  }

  async run(lr: number, onStep: StepCallback): Promise<void> {
    for await (const { x, xT, labels, size } of this.stream.epoch()) {
      const step = this.model.trainStep(x, labels, lr, xT);
      x.dispose();
      xT?.dispose();
      if (!onStep(step, size)) break;
      // Lets a worker's heartbeats and notifications flow during long epochs.
      await yieldToEventLoop();
    }
  }

  async syncHost(): Promise<void> {}
  async syncReplicas(): Promise<void> {}

  close(): Promise<void> {
    return this.stream.close();
  }
}

/** Data-parallel: the replicas train; the host model follows them between epochs. */
export class ReplicaRunner implements EpochRunner {
  private readonly order: Uint32Array;
  private readonly rng: Rng;

  constructor(
    private readonly pool: ReplicaPool,
    private readonly model: TrainableModel,
    train: Uint32Array,
    private readonly config: RunConfig,
  ) {
    this.order = train.slice();
    this.rng = mulberry32(deriveSeed(config.seed, 'batches'));
  }

  get batchCount(): number {
    return Math.ceil(this.order.length / this.config.batchSize);
  }

  skipEpochs(epochs: number): void {
    for (let e = 0; e < epochs; e++) shuffleInPlace(this.order, this.rng);
  }

  async run(lr: number, onStep: StepCallback): Promise<void> {
    shuffleInPlace(this.order, this.rng);
    await this.pool.trainEpoch(this.order, this.config.batchSize, lr, onStep);
  }

  async syncHost(): Promise<void> {
    const { weights, training } = await this.pool.hostState();
    this.model.restore(weights);
    this.model.restoreTrainingState(training);
  }

  async syncReplicas(): Promise<void> {
    await this.pool.load(this.model.snapshot(), this.model.trainingState());
  }

  async close(): Promise<void> {}
}
