/**
 * Mini-batches prepared on the second core: a worker thread gathers and scales each batch from the
 * shared uint8 pool while the training thread computes the previous step, so batch preparation (and,
 * for the scratch engine, the transpose its first-layer gradient needs) leaves the critical path.
 * Same batches, same order, as BatchStream with the same seed. Datasets whose pixels are not in shared
 * memory (hand-built ones in tests) fall back to preparing batches on the training thread.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from './dataset';
import { BatchStream, type Batch } from './batches';
import { deriveSeed, mulberry32, shuffleInPlace, type Rng } from '../util/rng';

/** Batches in flight ahead of the consumer. */
const DEPTH = 3;

interface WorkerBatch {
  type: 'batch';
  epoch: number;
  pixels: Float32Array;
  pixelsT: Float32Array | null;
  labels: Int32Array;
}

export class PrefetchingBatchStream {
  private readonly order: Uint32Array;
  private readonly rng: Rng;
  private readonly worker: Worker | null;
  private readonly fallback: BatchStream | null;
  private epochNumber = 0;
  private ready: WorkerBatch[] = [];
  private waiting: ((b: WorkerBatch) => void) | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly ds: Dataset,
    indices: Uint32Array,
    readonly batchSize: number,
    options: { shuffleSeed: number; withTransposed?: boolean },
  ) {
    this.order = indices.slice();
    this.rng = mulberry32(deriveSeed(options.shuffleSeed, 'batches'));
    if (!(ds.images.buffer instanceof SharedArrayBuffer)) {
      this.worker = null;
      this.fallback = new BatchStream(ds, indices, batchSize, { shuffleSeed: options.shuffleSeed });
      return;
    }
    this.fallback = null;
    this.worker = new Worker(new URL('./batchWorker.mjs', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (msg: WorkerBatch) => this.receive(msg));
    this.worker.on('error', (err) => {
      this.failure = err;
      this.waiting?.({ type: 'batch', epoch: -1, pixels: new Float32Array(), pixelsT: null, labels: new Int32Array() });
    });
    this.worker.postMessage({ type: 'init', images: ds.images, labels: ds.labels, features: ds.rows * ds.cols, batchSize, withTransposed: options.withTransposed ?? false });
  }

  get batchCount(): number {
    return Math.ceil(this.order.length / this.batchSize);
  }

  private receive(msg: WorkerBatch): void {
    if (msg.epoch !== this.epochNumber) return; // left over from an epoch that was abandoned (cancel)
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(msg);
    } else {
      this.ready.push(msg);
    }
  }

  private nextFromWorker(): Promise<WorkerBatch> {
    const queued = this.ready.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /**
   * Advances the seeded order past `epochs` passes without making their batches, so a run resumed
   * from a checkpoint sees the batches an uninterrupted run would (a shuffle of 566k indices: ~10 ms).
   */
  skipEpochs(epochs: number): void {
    if (this.fallback) return this.fallback.skipEpochs(epochs);
    for (let e = 0; e < epochs; e++) shuffleInPlace(this.order, this.rng);
  }

  /** One reshuffled pass; the last batch may be short. The caller disposes each batch's tensors. */
  async *epoch(): AsyncGenerator<Batch> {
    if (this.fallback) {
      yield* this.fallback.epoch();
      return;
    }
    shuffleInPlace(this.order, this.rng);
    this.epochNumber += 1;
    this.ready = [];
    const epoch = this.epochNumber;
    this.worker!.postMessage({ type: 'epoch', epoch, order: this.order.slice(), depth: DEPTH });
    const features = this.ds.rows * this.ds.cols;
    for (let b = 0; b < this.batchCount; b++) {
      const msg = await this.nextFromWorker();
      if (this.failure) throw new Error(`batch preparation failed: ${this.failure.message}`);
      this.worker!.postMessage({ type: 'ack', epoch });
      const n = msg.labels.length;
      yield {
        x: tf.tensor2d(msg.pixels, [n, features]),
        xT: msg.pixelsT ? tf.tensor2d(msg.pixelsT, [features, n]) : undefined,
        labels: msg.labels,
        size: n,
      };
    }
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
