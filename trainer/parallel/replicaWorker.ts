/**
 * One data-parallel replica, in its own worker thread with its own tfjs backend and its own copy of the
 * model (weights, optimiser state). It reads images from the dataset's shared uint8 pool (never copied)
 * and talks to the other replicas only through shared memory (sharedMemory.ts).
 *
 * A training step, in every replica r of R, for batch rows [from, to) of the epoch's shared order:
 *   1. gather its shard (rows shardRows(n, r, R)) and compute the shard's loss sum and gradient of the
 *      batch objective (engine.shardGradients; BatchNorm statistics through the collectives);
 *   2. write the gradient into its exchange slot; barrier;
 *   3. for its R-th of the parameter vector, add the gradient over all slots in replica order and apply
 *      the optimiser there (partitionedOptimizer.ts), writing the new values into `weights`; barrier
 *      (the last to arrive publishes the step's loss and correct count and the stop decision);
 *   4. set its variables from `weights`.
 * One optimiser step per batch, computed a slice per replica and published to every replica; the
 * replicas hold bit-identical weights after every step.
 *
 * Requests arrive as messages ({id, type, …}) and are answered with {id, ok, result | error}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../config/schema';
import type { Dataset } from '../data/dataset';
import { initBackend, kernelLibrary, type BackendName } from '../engine/backend';
import { createModel } from '../engine/factory';
import { wasmHeapValues } from '../engine/wasmBlasMatMul';
import type { TrainableModel, TrainingState, WeightSnapshot } from '../engine/model';
import { PartitionedOptimizer, type OptimizerPart } from './partitionedOptimizer';
import { gatherScaled } from '../data/batches';
import { inferStep, NoiseCache, type InferenceOutputs, type InferenceRequest, type InferenceStep } from '../eval/inference';
import { CONTROL, ReplicaComm, shardRows, type SharedBuffers } from './sharedMemory';

export interface SetupRequest {
  type: 'setup';
  rank: number;
  size: number;
  config: RunConfig;
  inputSize: number;
  classes: number;
  buffers: SharedBuffers;
  dataset: Dataset;
  weights: WeightSnapshot;
}

export type ReplicaRequest =
  | SetupRequest
  | { type: 'load'; weights: WeightSnapshot; training: TrainingState | null }
  | { type: 'epoch'; lr: number; batches: number; rows: number; batchSize: number }
  | { type: 'state'; weights: boolean }
  | { type: 'infer'; indices: Uint32Array; request: InferenceRequest; outputs: InferenceOutputs; step: InferenceStep }
  | { type: 'dispose' };

/** What a replica reports between epochs: its optimiser part, and (rank 0) the weights and dropout draws. */
export interface ReplicaState {
  optimizer: OptimizerPart;
  /** Sizes of the trainable variables, in gradient order. */
  sizes: number[];
  weights: WeightSnapshot | null;
  dropoutDraws: number[];
}

class Replica {
  readonly model: TrainableModel;
  private readonly comm: ReplicaComm;
  private readonly offsets: number[];
  private readonly optimizer: PartitionedOptimizer;

  constructor(private readonly setup: SetupRequest) {
    this.model = createModel(setup.config, setup.inputSize, setup.classes, setup.weights);
    this.comm = new ReplicaComm(setup.buffers, setup.rank, setup.size);
    this.model.joinCollective?.(this.comm);
    this.offsets = [0];
    for (const v of this.model.trainableVariables) this.offsets.push(this.offsets[this.offsets.length - 1] + v.size);
    this.optimizer = new PartitionedOptimizer(setup.config, this.model.trainableVariables, this.comm.partition(this.parameters));
  }

  get parameters(): number {
    return this.offsets[this.offsets.length - 1];
  }

  load(weights: WeightSnapshot, training: TrainingState | null): void {
    this.model.restore(weights);
    this.optimizer.reload();
    if (training) {
      this.model.restoreTrainingState({ optimizer: { kind: training.optimizer.kind, step: 0, buffers: {} }, dropoutDraws: training.dropoutDraws });
      this.optimizer.loadState(training.optimizer);
    }
  }

  state(withWeights: boolean): ReplicaState {
    return {
      optimizer: this.optimizer.part(),
      sizes: this.model.trainableVariables.map((v) => v.size),
      weights: withWeights ? this.model.snapshot() : null,
      dropoutDraws: this.model.trainingState().dropoutDraws,
    };
  }

  /** Sets every trainable variable from the shared parameter vector. */
  private publish(weights: Float32Array): void {
    // The wasm backend copies a tensor's values into its heap at once; others (cpu) keep the array, so they get a copy.
    const copies = tf.getBackend() === 'wasm';
    tf.tidy(() =>
      this.model.trainableVariables.forEach((v, i) => {
        const values = weights.subarray(this.offsets[i], this.offsets[i + 1]);
        v.assign(tf.tensor(copies ? values : values.slice(), v.shape));
      }),
    );
  }

  /**
   * Rows [from, to) of the epoch order as a tensor, scaled exactly as the single-thread batch stream
   * scales them. No transposed copy for the scratch engine's first-layer gradient: on a replica's own
   * thread, the wasm Transpose kernel the engine then uses is cheaper than a strided copy in JavaScript.
   */
  private gather(from: number, to: number): { x: tf.Tensor2D; labels: Int32Array } {
    const { dataset: ds, buffers } = this.setup;
    const { pixels, labels } = gatherScaled(ds, buffers.order, from, to);
    return { x: tf.tensor2d(pixels, [to - from, ds.rows * ds.cols]), labels };
  }

  /** One epoch over the shared order; returns the steps taken (fewer when the main thread asked to stop). */
  trainEpoch(lr: number, batches: number, rows: number, batchSize: number): number {
    const { rank, size, buffers } = this.setup;
    const { control, exchange, weights, stats, steps } = buffers;
    const parameters = this.parameters;
    const slot = exchange.subarray(rank * parameters, (rank + 1) * parameters);
    const [p0, p1] = this.comm.partition(parameters);
    const summed = new Float32Array(p1 - p0);
    for (let b = 0; b < batches; b++) {
      const from = b * batchSize;
      const n = Math.min(batchSize, rows - from);
      const [lo, hi] = shardRows(n, rank, size);
      this.comm.batchRows = n;
      stats[2 * rank] = 0;
      stats[2 * rank + 1] = 0;
      if (hi > lo) {
        const { x, labels } = this.gather(from + lo, from + hi);
        const shard = this.model.shardGradients(x, labels, { batchRows: n, rowStart: lo, withPenalty: rank === 0 });
        shard.grads.forEach((g, i) => slot.set(wasmHeapValues(g) ?? (g.dataSync() as Float32Array), this.offsets[i]));
        stats[2 * rank] = shard.lossSum;
        stats[2 * rank + 1] = shard.correct;
        tf.dispose([x, ...shard.grads]);
      } else {
        this.model.idleShard?.();
        slot.fill(0);
      }
      this.comm.barrier();
      for (let j = p0; j < p1; j++) {
        let s = exchange[j];
        for (let r = 1; r < size; r++) s += exchange[r * parameters + j];
        summed[j - p0] = s;
      }
      this.optimizer.step(summed, lr, weights);
      this.comm.barrier(() => {
        let loss = 0;
        let correct = 0;
        for (let r = 0; r < size; r++) {
          loss += stats[2 * r];
          correct += stats[2 * r + 1];
        }
        steps[2 * b] = loss / n;
        steps[2 * b + 1] = correct;
        Atomics.store(control, CONTROL.DECISION, Atomics.load(control, CONTROL.STOP));
        Atomics.store(control, CONTROL.PROGRESS, b + 1);
        Atomics.notify(control, CONTROL.PROGRESS);
      });
      this.publish(weights);
      if (Atomics.load(control, CONTROL.DECISION)) return b + 1;
    }
    return batches;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }

  /** The noise of this replica's blocks in the current robustness group (inference.ts). */
  private readonly noise = new NoiseCache();

  /** This replica's blocks (b ≡ rank mod size) of one inference step, written into the shared outputs. */
  infer(indices: Uint32Array, request: InferenceRequest, outputs: InferenceOutputs, step: InferenceStep): void {
    if (step.sigma === null) this.noise.clear();
    inferStep(this.model, this.setup.dataset, indices, step, request, outputs, this.noise, this.setup.rank, this.setup.size);
  }
}

let replica: Replica | null = null;

async function handle(message: ReplicaRequest): Promise<unknown> {
  if (message.type === 'setup') {
    replica?.dispose();
    replica = new Replica(message);
    return null;
  }
  if (!replica) throw new Error(`replica got "${message.type}" before its setup`);
  switch (message.type) {
    case 'load':
      replica.load(message.weights, message.training);
      return null;
    case 'epoch':
      return replica.trainEpoch(message.lr, message.batches, message.rows, message.batchSize);
    case 'state':
      return replica.state(message.weights);
    case 'infer':
      replica.infer(message.indices, message.request, message.outputs, message.step);
      return null;
    case 'dispose':
      replica.dispose();
      replica = null;
      return null;
  }
}

const port = parentPort!;
const backend = (workerData as { backend: BackendName }).backend;
await initBackend(backend);
port.on('message', (message: ReplicaRequest & { id: number }) => {
  handle(message).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (err: Error) => port.postMessage({ id: message.id, ok: false, error: err?.stack ?? String(err) }),
  );
});
// Ready, with the kernel library this thread's matrix products run on (the pool checks it).
port.postMessage({ id: 0, ok: true, result: kernelLibrary() });
