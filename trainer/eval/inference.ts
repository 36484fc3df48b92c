/**
 * Inference over a subset of the pool, in fixed blocks of BLOCK_SIZE images: the one implementation
 * behind every evaluation, run on the main thread (single thread) or by the data-parallel replicas, each
 * taking whole blocks (trainer/parallel/replicaPool.ts), so results do not depend on the thread count.
 *
 * Per block b (images indices[b·2048 …]): the pixels are gathered and scaled once; the clean pass gives
 * each image's predicted class and the block's summed −log p(true) (a float32 sum, as it always was), and,
 * when asked, per-image outputs (probability of the true class, the top 3 classes and their
 * probabilities). The robustness pass draws the block's standard-normal noise once, from
 * deriveSeed(seed, `noise-${b}`), and for each σ adds σ·noise to the clean pixels (clamped to [0,1] with
 * `clip`) in a reused buffer: no noisy copy of the set is ever held, and each σ sees the same draw.
 * Inference only: no tf.variableGrads, every op inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherScaled } from '../data/batches';
import type { TrainableModel } from '../engine/model';
import { deriveSeed } from '../util/rng';
import { applyNoise, gaussianNoise } from './noise';

/** Images per inference block. It also fixes the noise seeds of the robustness curve: keep it. */
export const BLOCK_SIZE = 2048;

export interface InferenceRequest {
  /** The clean pass: predicted class and cross-entropy per block (needed by everything but robustness). */
  clean: boolean;
  /** With the clean pass: probability of the true class, top-3 classes and probabilities per image. */
  perSample: boolean;
  /** Robustness: correct predictions per block for each noise level (σ > 0). */
  noise: { sigmas: number[]; seed: number; clip: boolean } | null;
}

/** Typed arrays only, so the replicas can write them in shared memory. */
export interface InferenceOutputs {
  count: number;
  blocks: number;
  /** [count] labels of the evaluated images. */
  truth: Int32Array;
  /** [count] arg-max class (clean pass). */
  predicted: Int32Array;
  /** [blocks] Σ over the block of −log p(true class), as float32 arithmetic gave it. */
  blockNll: Float64Array;
  /** [count] p(true class), with perSample. */
  trueProbability: Float32Array;
  /** [count·3] the three most probable classes, most probable first, with perSample. */
  top3: Int32Array;
  /** [count·3] their probabilities. */
  top3Probability: Float32Array;
  /** [blocks·sigmas] correct predictions of block b at noise level s, index b·sigmas + s. */
  noisyCorrect: Int32Array;
}

/** Output arrays for `count` images (in shared memory when replicas will fill them). */
export function allocateOutputs(count: number, request: InferenceRequest, shared: boolean): InferenceOutputs {
  const blocks = Math.ceil(count / BLOCK_SIZE);
  const make = <T>(Kind: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T =>
    shared ? new Kind(new SharedArrayBuffer(n * Kind.BYTES_PER_ELEMENT)) : new Kind(n);
  const perSample = request.clean && request.perSample ? count : 0;
  return {
    count,
    blocks,
    truth: make(Int32Array, count),
    predicted: make(Int32Array, request.clean ? count : 0),
    blockNll: make(Float64Array, request.clean ? blocks : 0),
    trueProbability: make(Float32Array, perSample),
    top3: make(Int32Array, 3 * perSample),
    top3Probability: make(Float32Array, 3 * perSample),
    noisyCorrect: make(Int32Array, request.noise ? blocks * request.noise.sigmas.length : 0),
  };
}

function countCorrect(predicted: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

/** Fills block `b` of `out` (images indices[b·BLOCK_SIZE, …)). */
export function inferBlock(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, b: number, request: InferenceRequest, out: InferenceOutputs): void {
  const from = b * BLOCK_SIZE;
  const to = Math.min(from + BLOCK_SIZE, indices.length);
  const n = to - from;
  const features = ds.rows * ds.cols;
  const { pixels, labels } = gatherScaled(ds, indices, from, to);
  out.truth.set(labels, from);
  if (request.clean) {
    const [pred, nll, extras] = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(pixels, [n, features])); // [n, classes]
      const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
      const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1])));
      let perSample: tf.Tensor[] = [];
      if (request.perSample) {
        const probs = tf.exp(logProbs); // [n, classes]
        const { values, indices: top } = tf.topk(probs, 3); // [n, 3]
        const trueP = tf.sum(tf.mul(probs, tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1])), 1); // [n]
        perSample = [trueP, top, values];
      }
      return [tf.argMax(logits, 1), tf.neg(picked), perSample] as [tf.Tensor, tf.Tensor, tf.Tensor[]];
    });
    out.predicted.set(pred.dataSync() as Int32Array, from);
    out.blockNll[b] = nll.dataSync()[0];
    if (extras.length) {
      out.trueProbability.set(extras[0].dataSync() as Float32Array, from);
      out.top3.set(extras[1].dataSync() as Int32Array, 3 * from);
      out.top3Probability.set(extras[2].dataSync() as Float32Array, 3 * from);
    }
    tf.dispose([pred, nll, ...extras]);
  }
  if (request.noise) {
    const { sigmas, seed, clip } = request.noise;
    const noise = gaussianNoise(pixels.length, deriveSeed(seed, `noise-${b}`));
    const noisy = new Float32Array(pixels.length);
    sigmas.forEach((sigma, s) => {
      applyNoise(pixels, noise, sigma, clip, noisy);
      const pred = tf.tidy(() => tf.argMax(model.logits(tf.tensor2d(noisy, [n, features])), 1));
      out.noisyCorrect[b * sigmas.length + s] = countCorrect(pred.dataSync() as Int32Array, labels);
      pred.dispose();
    });
  }
}

/** Every block on this thread. */
export function inferAll(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, request: InferenceRequest): InferenceOutputs {
  const out = allocateOutputs(indices.length, request, false);
  for (let b = 0; b < out.blocks; b++) inferBlock(model, ds, indices, b, request, out);
  return out;
}

/** Σ of the block cross-entropies in block order (the order the single-pass evaluation always summed them). */
export function crossEntropySum(out: InferenceOutputs): number {
  let sum = 0;
  for (let b = 0; b < out.blockNll.length; b++) sum += out.blockNll[b];
  return sum;
}
