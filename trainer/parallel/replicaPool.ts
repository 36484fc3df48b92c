/**
 * The main thread's side of data-parallel training: R worker threads, each a replica (replicaWorker.ts)
 * with its own tfjs backend and model copy, sharing the dataset's uint8 pool and the buffers of
 * sharedMemory.ts. The main thread only coordinates: it writes each epoch's shuffled order, starts the
 * epoch, and follows the replicas' progress through a shared counter (Atomics.waitAsync), so its event
 * loop stays free for heartbeats and progress messages while the replicas compute.
 *
 * Between epochs it fetches the weights and training state of replica 0 (all replicas hold the same), so
 * the host model can validate, checkpoint and keep the best weights exactly as in single-thread training.
 * Evaluation requests are split into whole inference blocks across the replicas.
 */
import { Worker } from 'node:worker_threads';
import type { RunConfig } from '../config/schema';
import type { Dataset } from '../data/dataset';
import { kernelLibrary, type BackendName } from '../engine/backend';
import type { StepResult, TrainingState, WeightSnapshot } from '../engine/model';
import type { Evaluator } from '../eval/evaluator';
import { allocateOutputs, noiseGroupBlocks, walkSteps, type InferenceOutputs, type InferenceProgress, type InferenceRequest } from '../eval/inference';
import { allocateShared, CONTROL, type SharedBuffers } from './sharedMemory';
import { assembleState } from './partitionedOptimizer';
import type { ReplicaRequest, ReplicaState } from './replicaWorker';

type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

/** Atomics.waitAsync (Node ≥ 16; not yet in this TypeScript lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** The dataset with its pixels and labels in shared memory (copied there once if they are not). */
export function sharedDataset(ds: Dataset): Dataset {
  if (ds.images.buffer instanceof SharedArrayBuffer && ds.labels.buffer instanceof SharedArrayBuffer) return ds;
  const images = new Uint8Array(new SharedArrayBuffer(ds.images.byteLength));
  images.set(ds.images);
  const labels = new Uint8Array(new SharedArrayBuffer(ds.labels.byteLength));
  labels.set(ds.labels);
  return { ...ds, images, labels };
}

class ReplicaThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  readonly ready: Promise<unknown>;

  constructor(backend: BackendName, onFailure: (err: Error) => void) {
    this.worker = new Worker(new URL('./replicaWorker.mjs', import.meta.url), { workerData: { backend } });
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else {
        const err = new Error(`training replica failed: ${reply.error}`);
        onFailure(err);
        waiter.reject(err);
      }
    });
    const fail = (err: Error) => {
      onFailure(err);
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(new Error(`training replica crashed: ${err.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`training replica exited (code ${code})`)));
  }

  request<T>(message: ReplicaRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export interface PoolOptions {
  threads: number;
  backend: BackendName;
  config: RunConfig;
  dataset: Dataset;
  inputSize: number;
  classes: number;
  /** Rows of the training split (sizes the shared order and step buffers). */
  trainRows: number;
  /** The initial weights (the host model's), so every replica starts from them. */
  weights: WeightSnapshot;
}

export interface EpochOutcome {
  /** Steps trained (all of the epoch's unless onStep asked to stop). */
  steps: number;
}

export class ReplicaPool {
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly replicas: ReplicaThread[],
    private readonly buffers: SharedBuffers,
    readonly dataset: Dataset,
  ) {}

  get threads(): number {
    return this.replicas.length;
  }

  /** Starts the replica threads and gives each the run's model, the shared buffers and the initial weights. */
  static async start(options: PoolOptions): Promise<ReplicaPool> {
    const { threads, config, inputSize, classes, weights } = options;
    const dataset = sharedDataset(options.dataset);
    const parameters = weights.values.reduce((s, v) => s + v.length, 0);
    const buffers = allocateShared(threads, parameters, options.trainRows, config.batchSize, Math.max(inputSize, ...config.hidden, classes));
    let pool: ReplicaPool | null = null;
    const replicas = Array.from({ length: threads }, () => new ReplicaThread(options.backend, (err) => pool?.fail(err)));
    pool = new ReplicaPool(replicas, buffers, dataset);
    try {
      // Every replica must compute with the kernels the host model does (a thread whose OpenBLAS binding
      // failed would silently train on the wasm kernels, slower and with other rounding).
      const expected = kernelLibrary(options.backend);
      for (const kernels of await Promise.all(replicas.map((r) => r.ready))) {
        if (kernels !== expected) throw new Error(`a replica thread computes with ${String(kernels)}, the main thread with ${expected}`);
      }
      await Promise.all(replicas.map((r, rank) => r.request({ type: 'setup', rank, size: threads, config, inputSize, classes, buffers, dataset, weights })));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    // Replicas waiting at a barrier for the failed one would wait forever.
    Atomics.store(this.buffers.control, CONTROL.STOP, 1);
  }

  private all<T>(message: ReplicaRequest): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error('the replica pool is closed'));
    return Promise.all(this.replicas.map((r) => r.request<T>(message)));
  }

  /** Sets every replica's weights (and, when given, optimiser state and dropout draws), e.g. on resume. */
  async load(weights: WeightSnapshot, training: TrainingState | null = null): Promise<void> {
    await this.all({ type: 'load', weights, training });
  }

  /**
   * The weights and training state after the last step: replica 0's weights and dropout draws (every
   * replica holds the same) and the optimiser state assembled from every replica's slice.
   */
  async hostState(): Promise<{ weights: WeightSnapshot; training: TrainingState }> {
    if (this.closed) throw new Error('the replica pool is closed');
    const states = await Promise.all(this.replicas.map((r, rank) => r.request<ReplicaState>({ type: 'state', weights: rank === 0 })));
    const { weights, dropoutDraws, sizes } = states[0];
    return { weights: weights!, training: { optimizer: assembleState(states.map((s) => s.optimizer), sizes), dropoutDraws } };
  }

  /**
   * Trains one epoch over `order` (the epoch's shuffled training indices) at learning rate `lr`.
   * `onStep` sees every finished step in order; returning false stops the replicas after the step they
   * are in (a throw does the same, then propagates).
   */
  async trainEpoch(order: Uint32Array, batchSize: number, lr: number, onStep: (step: StepResult, size: number) => boolean | Promise<boolean>): Promise<EpochOutcome> {
    const { control, steps } = this.buffers;
    const batches = Math.ceil(order.length / batchSize);
    this.buffers.order.set(order);
    Atomics.store(control, CONTROL.STOP, 0);
    Atomics.store(control, CONTROL.PROGRESS, 0);
    let finished = false;
    const epoch = this.all<number>({ type: 'epoch', lr, batches, rows: order.length, batchSize }).finally(() => (finished = true));
    epoch.catch(() => {}); // observed below; avoids an unhandled rejection while steps are being reported
    let reported = 0;
    let stopped = false;
    try {
      while (!stopped && reported < batches) {
        const done = Atomics.load(control, CONTROL.PROGRESS);
        if (done === reported) {
          if (this.failure) throw this.failure;
          if (finished) break;
          const wait = waitAsync(control, CONTROL.PROGRESS, reported, 1000);
          if (wait.async) await wait.value;
          continue;
        }
        for (; reported < done && !stopped; reported++) {
          const size = Math.min(batchSize, order.length - reported * batchSize);
          if (!(await onStep({ loss: steps[2 * reported], correct: steps[2 * reported + 1] }, size))) stopped = true;
        }
      }
    } catch (err) {
      Atomics.store(control, CONTROL.STOP, 1);
      await epoch.catch(() => {});
      throw err;
    }
    if (stopped) Atomics.store(control, CONTROL.STOP, 1);
    const taken = await epoch;
    if (this.failure) throw this.failure;
    return { steps: Math.min(...taken) };
  }

  /**
   * Inference split into whole blocks across the replicas, with `weights` (or the replicas' own when
   * null), step by step (two blocks per replica each), reporting progress after every step.
   */
  async infer(indices: Uint32Array, request: InferenceRequest, weights: WeightSnapshot | null, onProgress?: (p: InferenceProgress) => void): Promise<InferenceOutputs> {
    const outputs = allocateOutputs(indices.length, request, true);
    const shared = indices.buffer instanceof SharedArrayBuffer ? indices : (() => {
      const copy = new Uint32Array(new SharedArrayBuffer(indices.byteLength));
      copy.set(indices);
      return copy;
    })();
    if (weights) await this.load(weights);
    const features = this.dataset.rows * this.dataset.cols;
    const plan = { blocksPerStep: 2 * this.threads, noiseGroupBlocks: noiseGroupBlocks(features, this.threads) };
    await walkSteps(indices.length, request, plan, async (step) => {
      await this.all({ type: 'infer', indices: shared, request, outputs, step });
      if (this.failure) throw this.failure;
    }, onProgress);
    return outputs;
  }

  /** An Evaluator over the replicas with fixed weights (null: the weights the replicas hold now). */
  evaluator(weights: WeightSnapshot | null): Evaluator {
    let loaded = weights === null;
    return {
      infer: (indices, request, onProgress) => {
        const first = !loaded;
        loaded = true;
        return this.infer(indices, request, first ? weights : null, onProgress);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.replicas.map((r) => r.terminate()));
  }
}
