/**
 * Mini-batches streamed from host memory to the backend, the report's hybrid memory scheme:
 * the dataset stays uint8 in host memory; each batch is gathered, scaled to [0,1] float32 and
 * uploaded on demand, so device memory holds one batch, not the dataset.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from './dataset';
import { deriveSeed, mulberry32, shuffleInPlace, type Rng } from '../util/rng';

export interface Batch {
  /** [size, rows·cols] pixels in [0,1]. The caller disposes it. */
  x: tf.Tensor2D;
  /** The same pixels as [rows·cols, size], when the stream was asked for them (scratch engine's dW₀ = xᵀ·dz). */
  xT?: tf.Tensor2D;
  /** [size] class indices. */
  labels: Int32Array;
  size: number;
}

/** Gathers images `indices[from…to)` as float32 in [0,1] (optionally with a transform per pixel buffer). */
export function gatherScaled(ds: Dataset, indices: ArrayLike<number>, from: number, to: number): { pixels: Float32Array; labels: Int32Array } {
  const size = ds.rows * ds.cols;
  const n = to - from;
  const pixels = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const scale = 1 / 255;
  for (let k = 0; k < n; k++) {
    const i = indices[from + k];
    const src = i * size;
    const dst = k * size;
    for (let p = 0; p < size; p++) pixels[dst + p] = ds.images[src + p] * scale;
    labels[k] = ds.labels[i];
  }
  return { pixels, labels };
}

export function toBatch(pixels: Float32Array, labels: Int32Array, featureSize: number): Batch {
  return { x: tf.tensor2d(pixels, [labels.length, featureSize]), labels, size: labels.length };
}

/** Iterates over a subset in order (evaluation) or reshuffled each epoch with a seeded stream (training). */
export class BatchStream {
  private readonly order: Uint32Array;
  private readonly rng: Rng | null;

  constructor(
    private readonly ds: Dataset,
    indices: Uint32Array,
    readonly batchSize: number,
    options: { shuffleSeed?: number } = {},
  ) {
    this.order = indices.slice();
    this.rng = options.shuffleSeed === undefined ? null : mulberry32(deriveSeed(options.shuffleSeed, 'batches'));
  }

  get size(): number {
    return this.order.length;
  }

  get batchCount(): number {
    return Math.ceil(this.order.length / this.batchSize);
  }

  /** Advances the seeded order past `epochs` passes without making their batches (resuming a run). */
  skipEpochs(epochs: number): void {
    if (this.rng) for (let e = 0; e < epochs; e++) shuffleInPlace(this.order, this.rng);
  }

  /** One pass; reshuffles first when the stream was made with a seed. The last batch may be short. */
  *epoch(): Generator<Batch> {
    if (this.rng) shuffleInPlace(this.order, this.rng);
    const featureSize = this.ds.rows * this.ds.cols;
    for (let from = 0; from < this.order.length; from += this.batchSize) {
      const to = Math.min(from + this.batchSize, this.order.length);
      const { pixels, labels } = gatherScaled(this.ds, this.order, from, to);
      yield toBatch(pixels, labels, featureSize);
    }
  }
}
