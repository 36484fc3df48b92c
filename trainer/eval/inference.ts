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
 *
 * A request is walked as a list of steps (inferenceSteps), so a caller can report progress between them:
 * the clean pass block by block, then the robustness pass σ by σ — "σ 0.3 (4 of 6)" — over groups of
 * blocks whose noise (at most NOISE_CACHE_BYTES) and clean pixels (as much again) stay cached (NoiseCache)
 * while every σ visits the group; the cache outlives a request, so the other clipping protocol, drawn
 * from the same seed, reuses the noise.
 * The order changes no figure: each (block, σ) sees the same pixels and the same noise either way.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { gatherScaled } from '../data/batches';
import type { TrainableModel } from '../engine/model';
import { deriveSeed } from '../util/rng';
import { applyNoise, gaussianNoise } from './noise';

/** Images per inference block. It also fixes the noise seeds of the robustness curve: keep it. */
export const BLOCK_SIZE = 2048;

/** Noise kept for a group of blocks while every σ visits it (all replicas together): 96 MB = 15 blocks of 784 features. */
export const NOISE_CACHE_BYTES = 96 * 2 ** 20;

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

/** Blocks [from, to) on the clean pass (sigma null) or at noise level request.noise.sigmas[sigma]. */
export interface InferenceStep {
  from: number;
  to: number;
  sigma: number | null;
  /** The noise group the blocks belong to: [groupFrom, groupTo), whose noise a NoiseCache keeps meanwhile. */
  groupFrom: number;
  groupTo: number;
}

/** After each step: `done` of `total` units (an image on the clean pass, an image at one σ on the noisy one). */
export interface InferenceProgress {
  /** null on the clean pass, else the index into request.noise.sigmas of the σ being computed. */
  sigma: number | null;
  done: number;
  total: number;
  /** Noise group (1-based) and how many there are; 1 of 1 on the clean pass. */
  group: number;
  groups: number;
}

export interface StepPlan {
  /** Blocks per step (progress granularity; replicas share a step's blocks). */
  blocksPerStep: number;
  /** Blocks whose noise is cached together (NOISE_CACHE_BYTES over the block size). */
  noiseGroupBlocks: number;
}

/** The blocks of noise that fit NOISE_CACHE_BYTES, at least one per replica. */
export function noiseGroupBlocks(features: number, replicas = 1): number {
  return Math.max(replicas, Math.floor(NOISE_CACHE_BYTES / (BLOCK_SIZE * features * 4)));
}

/** The request as steps: the clean pass block range by block range, then each noise group σ by σ. */
export function inferenceSteps(count: number, request: InferenceRequest, plan: StepPlan): InferenceStep[] {
  const blocks = Math.ceil(count / BLOCK_SIZE);
  const per = Math.max(1, plan.blocksPerStep);
  const steps: InferenceStep[] = [];
  if (request.clean) for (let b = 0; b < blocks; b += per) steps.push({ from: b, to: Math.min(blocks, b + per), sigma: null, groupFrom: 0, groupTo: blocks });
  if (request.noise) {
    const group = Math.max(1, plan.noiseGroupBlocks);
    for (let g = 0; g < blocks; g += group) {
      const groupTo = Math.min(blocks, g + group);
      request.noise.sigmas.forEach((_, s) => {
        for (let b = g; b < groupTo; b += per) steps.push({ from: b, to: Math.min(groupTo, b + per), sigma: s, groupFrom: g, groupTo });
      });
    }
  }
  return steps;
}

/** Runs `execute` over every step of the request, reporting progress after each. */
export async function walkSteps(count: number, request: InferenceRequest, plan: StepPlan, execute: (step: InferenceStep) => Promise<void> | void, onProgress?: (p: InferenceProgress) => void): Promise<void> {
  const images = (step: InferenceStep) => Math.min(count, step.to * BLOCK_SIZE) - step.from * BLOCK_SIZE;
  const steps = inferenceSteps(count, request, plan);
  const total = steps.reduce((s, step) => s + images(step), 0);
  const groups = request.noise ? Math.max(1, Math.ceil(Math.ceil(count / BLOCK_SIZE) / Math.max(1, plan.noiseGroupBlocks))) : 1;
  let done = 0;
  for (const step of steps) {
    await execute(step);
    done += images(step);
    onProgress?.({ sigma: step.sigma, done, total, group: step.sigma === null ? 1 : Math.floor(step.groupFrom / Math.max(1, plan.noiseGroupBlocks)) + 1, groups: step.sigma === null ? 1 : groups });
  }
}

/**
 * Each block's noise draw, kept while the σ levels visit its group; blocks outside the current group are
 * dropped. One per thread (each replica keeps the noise of its own blocks).
 */
export class NoiseCache {
  private readonly blocks = new Map<number, Float32Array>();
  /**
   * The clean, scaled pixels of the same blocks, gathered once rather than once per σ (as much memory
   * again as the noise), with the image indices they were gathered for: a later request on other images
   * gathers afresh.
   */
  private readonly cleanBlocks = new Map<number, { ids: Uint32Array; pixels: Float32Array; labels: Int32Array }>();
  private seed: number | null = null;
  private scratch: Float32Array | null = null;

  /** The standard-normal draw of block b (length values), from deriveSeed(seed, `noise-${b}`). */
  noise(b: number, length: number, seed: number): Float32Array {
    if (seed !== this.seed) {
      this.blocks.clear();
      this.seed = seed;
    }
    let hit = this.blocks.get(b);
    if (!hit || hit.length !== length) {
      hit = gaussianNoise(length, deriveSeed(seed, `noise-${b}`));
      this.blocks.set(b, hit);
    }
    return hit;
  }

  /** Block b's clean pixels and labels (images indices[from, to)), gathered by `gather` unless kept. */
  clean(b: number, indices: ArrayLike<number>, from: number, to: number, gather: () => { pixels: Float32Array; labels: Int32Array }): { pixels: Float32Array; labels: Int32Array } {
    const hit = this.cleanBlocks.get(b);
    if (hit && sameIndices(hit.ids, indices, from, to)) return hit;
    const ids = Uint32Array.from({ length: to - from }, (_, k) => indices[from + k]);
    const fresh = { ids, ...gather() };
    this.cleanBlocks.set(b, fresh);
    return fresh;
  }

  /** A reusable buffer for the noisy pixels. */
  buffer(length: number): Float32Array {
    if (!this.scratch || this.scratch.length < length) this.scratch = new Float32Array(length);
    return this.scratch.subarray(0, length);
  }

  /** Forgets the blocks outside [from, to). */
  keepOnly(from: number, to: number): void {
    for (const b of this.blocks.keys()) if (b < from || b >= to) this.blocks.delete(b);
    for (const b of this.cleanBlocks.keys()) if (b < from || b >= to) this.cleanBlocks.delete(b);
  }

  clear(): void {
    this.blocks.clear();
    this.cleanBlocks.clear();
    this.scratch = null;
  }
}

function sameIndices(ids: Uint32Array, indices: ArrayLike<number>, from: number, to: number): boolean {
  if (ids.length !== to - from) return false;
  for (let k = 0; k < ids.length; k++) if (ids[k] !== indices[from + k]) return false;
  return true;
}

function countCorrect(predicted: Int32Array, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

/**
 * Fills block `b` of `out` (images indices[b·BLOCK_SIZE, …)): the clean pass when `sigma` is null, else
 * the noisy pass at request.noise.sigmas[sigma] with the block's noise from `cache`.
 */
export function inferBlock(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, b: number, request: InferenceRequest, out: InferenceOutputs, sigma: number | null, cache: NoiseCache): void {
  const from = b * BLOCK_SIZE;
  const to = Math.min(from + BLOCK_SIZE, indices.length);
  const n = to - from;
  const features = ds.rows * ds.cols;
  const gather = () => gatherScaled(ds, indices, from, to);
  const { pixels, labels } = sigma === null ? gather() : cache.clean(b, indices, from, to, gather);
  out.truth.set(labels, from);
  if (sigma === null) {
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
    return;
  }
  const { sigmas, seed, clip } = request.noise!;
  const noisy = cache.buffer(pixels.length);
  applyNoise(pixels, cache.noise(b, pixels.length, seed), sigmas[sigma], clip, noisy);
  const pred = tf.tidy(() => tf.argMax(model.logits(tf.tensor2d(noisy, [n, features])), 1));
  out.noisyCorrect[b * sigmas.length + sigma] = countCorrect(pred.dataSync() as Int32Array, labels);
  pred.dispose();
}

/** One step's blocks (those with b ≡ rank mod size: a replica's share; rank 0 of 1 takes them all). */
export function inferStep(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, step: InferenceStep, request: InferenceRequest, out: InferenceOutputs, cache: NoiseCache, rank = 0, size = 1): void {
  if (step.sigma !== null) cache.keepOnly(step.groupFrom, step.groupTo);
  for (let b = step.from; b < step.to; b++) if (b % size === rank) inferBlock(model, ds, indices, b, request, out, step.sigma, cache);
}

/** Every block on this thread, at once (no progress, no yielding). */
export function inferAll(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, request: InferenceRequest): InferenceOutputs {
  const out = allocateOutputs(indices.length, request, false);
  const cache = new NoiseCache();
  for (const step of inferenceSteps(indices.length, request, { blocksPerStep: out.blocks, noiseGroupBlocks: noiseGroupBlocks(ds.rows * ds.cols) })) {
    inferStep(model, ds, indices, step, request, out, cache);
  }
  return out;
}

/** Σ of the block cross-entropies in block order (the order the single-pass evaluation always summed them). */
export function crossEntropySum(out: InferenceOutputs): number {
  let sum = 0;
  for (let b = 0; b < out.blockNll.length; b++) sum += out.blockNll[b];
  return sum;
}
