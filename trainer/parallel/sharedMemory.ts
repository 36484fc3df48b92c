/**
 * The shared memory of data-parallel training and its two synchronisation primitives.
 *
 * Buffers (all SharedArrayBuffer, made once per run by the pool, seen by every replica):
 *   control   Int32 cells: stop request, the per-step continue decision, progress, two barriers
 *   order     the epoch's shuffled training indices (the main thread writes it between epochs)
 *   exchange  [replicas × P] float32: each replica's gradient of its shard (P = trainable parameters)
 *   weights   [P] float32: the parameters after the step, each replica writing the slice it updated
 *   small     [2 × replicas × smallCapacity] float64: partial sums of the BatchNorm collectives
 *   stats     [replicas × 2] float64: each replica's shard loss sum and correct count
 *   steps     [2 × batches] float64: each finished step's mean loss and correct count, for the main thread
 *
 * A barrier is a counter and a generation number: the last of `parties` threads to arrive resets the
 * counter, runs the leader action (if any), bumps the generation and wakes the rest. Waiters spin
 * briefly before sleeping in Atomics.wait: a step's barriers are microseconds apart on idle cores.
 */
import type { Collective } from '../engine/model';

export const CONTROL = {
  /** The main thread asks the replicas to stop after the current step (cancel, divergence). */
  STOP: 0,
  /** Written by the last replica at each step's end: 1 = stop after this step (all replicas read the same). */
  DECISION: 1,
  /** Finished steps of the current epoch; the main thread waits on it (Atomics.waitAsync). */
  PROGRESS: 2,
  ALL_COUNT: 3,
  ALL_GENERATION: 4,
  SIZE: 8,
} as const;

export interface SharedBuffers {
  control: Int32Array;
  order: Uint32Array;
  exchange: Float32Array;
  weights: Float32Array;
  small: Float64Array;
  stats: Float64Array;
  steps: Float64Array;
  smallCapacity: number;
}

const shared = <T>(Kind: new (b: SharedArrayBuffer) => T, bytesPer: number, length: number): T => new Kind(new SharedArrayBuffer(Math.max(1, length) * bytesPer));

export function allocateShared(replicas: number, parameters: number, trainRows: number, batchSize: number, widestLayer: number): SharedBuffers {
  const smallCapacity = 2 * widestLayer; // a BatchNorm backward sums [∂β, ∂γ] of its widest layer
  return {
    control: shared(Int32Array, 4, CONTROL.SIZE),
    order: shared(Uint32Array, 4, trainRows),
    exchange: shared(Float32Array, 4, replicas * parameters),
    weights: shared(Float32Array, 4, parameters),
    small: shared(Float64Array, 8, 2 * replicas * smallCapacity),
    stats: shared(Float64Array, 8, 2 * replicas),
    steps: shared(Float64Array, 8, 2 * Math.ceil(trainRows / batchSize)),
    smallCapacity,
  };
}

const SPINS = 2000;

/** Waits until `parties` threads have arrived; the last one runs `leader` before releasing the others. */
export function barrier(control: Int32Array, parties: number, leader?: () => void): void {
  const generation = Atomics.load(control, CONTROL.ALL_GENERATION);
  if (Atomics.add(control, CONTROL.ALL_COUNT, 1) === parties - 1) {
    Atomics.store(control, CONTROL.ALL_COUNT, 0);
    leader?.();
    Atomics.add(control, CONTROL.ALL_GENERATION, 1);
    Atomics.notify(control, CONTROL.ALL_GENERATION);
    return;
  }
  for (let i = 0; i < SPINS; i++) if (Atomics.load(control, CONTROL.ALL_GENERATION) !== generation) return;
  while (Atomics.load(control, CONTROL.ALL_GENERATION) === generation) Atomics.wait(control, CONTROL.ALL_GENERATION, generation);
}

/**
 * One replica's end of the collectives. Every replica takes part in every step (a shard may be empty),
 * so one barrier serves them all. Partial sums alternate between two halves of `small`: a replica can
 * only write the next collective's partial after everyone passed this one's barrier, i.e. finished reading.
 */
export class ReplicaComm implements Collective {
  batchRows = 0;
  private round = 0;

  constructor(
    private readonly buffers: SharedBuffers,
    readonly rank: number,
    readonly size: number,
  ) {}

  barrier(leader?: () => void): void {
    barrier(this.buffers.control, this.size, leader);
  }

  /** Σ over replicas (in rank order, in float64) of each replica's `partial`; all receive the same totals. */
  sum(partial: Float32Array): Float64Array {
    const { small, smallCapacity } = this.buffers;
    if (partial.length > smallCapacity) throw new Error(`collective of ${partial.length} values exceeds its ${smallCapacity}-value buffer`);
    const half = (this.round++ % 2) * this.size * smallCapacity;
    small.set(partial, half + this.rank * smallCapacity);
    this.barrier();
    const total = new Float64Array(partial.length);
    for (let r = 0; r < this.size; r++) {
      const base = half + r * smallCapacity;
      for (let j = 0; j < total.length; j++) total[j] += small[base + j];
    }
    return total;
  }

  /** This replica's slice [from, to) of the parameter vector: it sums the gradient and applies the update there. */
  partition(parameters: number): [number, number] {
    return [Math.floor((this.rank * parameters) / this.size), Math.floor(((this.rank + 1) * parameters) / this.size)];
  }
}

/**
 * Rows [from, to) of an n-row batch that replica `rank` of `size` computes: contiguous, sizes differ by
 * at most one, and rank 0 always has rows (it carries the penalty term; only higher ranks go idle when
 * n < size).
 */
export function shardRows(n: number, rank: number, size: number): [number, number] {
  return [Math.ceil((rank * n) / size), Math.ceil(((rank + 1) * n) / size)];
}
