// Evaluation at the speed of inference gives the figures the previous evaluation gave: the previous
// implementation (commit 2d31e2b: one predict() per pass, noise drawn per σ and per 2048-image batch) is
// kept below as the reference, and a trained model on the bundled MNIST digits is measured by both —
// predictions, cross-entropy, metrics and the robustness curve (clipped and not) must be identical, on
// this thread and split across 2 data-parallel replicas. Per-image outputs are checked against softmax.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../trainer/engine/backend';
import { createModel } from '../../trainer/engine/factory';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { loadMnistPackage } from '../../trainer/data/mnistPackage';
import type { Dataset } from '../../trainer/data/dataset';
import { gatherScaled } from '../../trainer/data/batches';
import { splitDataset, type Split } from '../../trainer/data/split';
import { trainModel } from '../../trainer/train/loop';
import type { TrainableModel } from '../../trainer/engine/model';
import { metricsFrom, predictionsOf, predict, CLEAN_PASS } from '../../trainer/eval/evaluate';
import { allocateOutputs, inferAll, inferenceSteps, inferStep, NoiseCache, type InferenceProgress } from '../../trainer/eval/inference';
import { localEvaluator, type Evaluator } from '../../trainer/eval/evaluator';
import { noisePass, robustnessCurve, robustnessPoints, type RobustnessOptions } from '../../trainer/eval/robustness';
import { ReplicaPool } from '../../trainer/parallel/replicaPool';
import { deriveSeed, fillNormal, mulberry32 } from '../../trainer/util/rng';

// ---- the previous implementation, verbatim in substance ----
function referencePredict(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, transform?: (pixels: Float32Array, batch: number) => void) {
  const n = indices.length;
  const truth = new Int32Array(n);
  const predicted = new Int32Array(n);
  let crossEntropySum = 0;
  const features = ds.rows * ds.cols;
  for (let from = 0, b = 0; from < n; from += 2048, b++) {
    const to = Math.min(from + 2048, n);
    const { pixels, labels } = gatherScaled(ds, indices, from, to);
    transform?.(pixels, b);
    const [pred, nll] = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(pixels, [to - from, features]));
      const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
      const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1])));
      return [tf.argMax(logits, 1), tf.neg(picked)];
    });
    predicted.set(pred.dataSync() as Int32Array, from);
    crossEntropySum += nll.dataSync()[0];
    truth.set(labels, from);
    tf.dispose([pred, nll]);
  }
  return { truth, predicted, crossEntropySum };
}

function referenceRobustness(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, options: RobustnessOptions) {
  return options.sigmas.map((sigma) => {
    const p = referencePredict(model, ds, indices, (pixels, batch) => {
      if (sigma === 0) return;
      const noise = fillNormal(new Float32Array(pixels.length), mulberry32(deriveSeed(options.seed, `noise-${batch}`)));
      for (let i = 0; i < pixels.length; i++) {
        const v = pixels[i] + sigma * noise[i];
        pixels[i] = options.clip ? Math.min(1, Math.max(0, v)) : v;
      }
    });
    let correct = 0;
    for (let i = 0; i < p.truth.length; i++) if (p.truth[i] === p.predicted[i]) correct++;
    return { sigma, accuracy: correct / p.truth.length };
  });
}
// ----

describe('evaluation', () => {
  let ds: Dataset;
  let split: Split;
  let model: TrainableModel;
  let pool: ReplicaPool;
  const config = withOverrides(findPreset('M1b').config, { hidden: [32], epochs: 1, batchSize: 128, seed: 41, backend: 'wasm', threads: 1 });

  beforeAll(async () => {
    await initBackend('wasm');
    ds = loadMnistPackage(); // 10,000 real digits; the test split (2,000) spans a partial 2048-block
    split = splitDataset(ds, config.split, config.seed);
    model = createModel(config, 784, ds.classNames.length);
    await trainModel(model, ds, split, config);
    pool = await ReplicaPool.start({ threads: 2, backend: 'wasm', config, dataset: ds, inputSize: 784, classes: ds.classNames.length, trainRows: split.train.length, weights: model.snapshot() });
  });
  afterAll(() => pool?.close());

  const robustness = (clip: boolean): RobustnessOptions => ({ sigmas: [0, 0.1, 0.25, 0.5], clip, seed: deriveSeed(7, 'robustness') });

  it('predictions and cross-entropy equal the previous implementation on every split, on one and two threads', async () => {
    const evaluators: [string, Evaluator][] = [['this thread', localEvaluator(model, ds)], ['2 replicas', pool.evaluator(model.snapshot())]];
    for (const indices of [split.train, split.val, split.test]) {
      const reference = referencePredict(model, ds, indices);
      expect(predict(model, ds, indices)).toEqual(reference);
      for (const [name, evaluator] of evaluators) {
        const p = predictionsOf(await evaluator.infer(indices, CLEAN_PASS));
        expect(Array.from(p.predicted), name).toEqual(Array.from(reference.predicted));
        expect(Array.from(p.truth), name).toEqual(Array.from(reference.truth));
        expect(p.crossEntropySum, name).toBe(reference.crossEntropySum);
      }
    }
    const metrics = metricsFrom(predict(model, ds, split.test), ds.classNames);
    expect(metrics).toEqual(metricsFrom(referencePredict(model, ds, split.test), ds.classNames));
    expect(metrics.accuracy).toBeGreaterThan(0.8); // a real, trained model, not chance
  });

  it.each([false, true])('the robustness curve (clip %s) equals the previous one, noise drawn once per block for every σ', async (clip) => {
    const options = robustness(clip);
    const reference = referenceRobustness(model, ds, split.test, options);
    expect(robustnessCurve(model, ds, split.test, options)).toEqual(reference);
    const clean = await pool.evaluator(model.snapshot()).infer(split.test, CLEAN_PASS);
    const cleanAccuracy = reference[0].accuracy;
    expect(clean.predicted.filter((p, i) => p === clean.truth[i]).length / clean.count).toBe(cleanAccuracy);
    const pass = noisePass(options)!;
    expect(pass.noise!.sigmas).toEqual([0.1, 0.25, 0.5]); // σ = 0 is the clean pass, not run again
    expect(robustnessPoints(options, cleanAccuracy, await pool.infer(split.test, pass, null))).toEqual(reference);
    expect(reference[3].accuracy).toBeLessThan(reference[0].accuracy);
  });

  it('per-image outputs: the true class probability and the top 3 classes with their probabilities', async () => {
    const out = inferAll(model, ds, split.test, { clean: true, perSample: true, noise: null });
    const parallel = await pool.evaluator(model.snapshot()).infer(split.test, { clean: true, perSample: true, noise: null });
    expect(Array.from(parallel.top3)).toEqual(Array.from(out.top3));
    expect(Array.from(parallel.top3Probability)).toEqual(Array.from(out.top3Probability));
    const { pixels } = gatherScaled(ds, split.test, 0, 5);
    const probs = tf.tidy(() => tf.softmax(model.logits(tf.tensor2d(pixels, [5, 784]))).arraySync() as number[][]);
    for (let i = 0; i < 5; i++) {
      const order = probs[i].map((p, k) => [p, k]).sort((a, b) => b[0] - a[0]);
      expect(out.top3[3 * i]).toBe(out.predicted[i]);
      expect(Array.from(out.top3.subarray(3 * i, 3 * i + 3))).toEqual(order.slice(0, 3).map(([, k]) => k));
      order.slice(0, 3).forEach(([p], j) => expect(out.top3Probability[3 * i + j]).toBeCloseTo(p, 5));
      expect(out.trueProbability[i]).toBeCloseTo(probs[i][out.truth[i]], 5);
    }
  });

  it('an evaluator kept across requests (its noise and clean pixels cached) gives each request the figures a fresh one gives', async () => {
    // What a run does: both clipping protocols from the same seed in turn, on the test split; then the
    // same seed on other images (the cached clean pixels must not be reused for them), then a clean pass.
    const requests = [
      [split.test, noisePass(robustness(false))!],
      [split.test, noisePass(robustness(true))!],
      [split.train.subarray(0, split.test.length), noisePass(robustness(true))!], // as many images, other ones
      [split.test.subarray(1), noisePass(robustness(false))!],
      [split.test, CLEAN_PASS],
    ] as const;
    for (const [name, evaluator] of [['this thread', localEvaluator(model, ds)], ['2 replicas', pool.evaluator(model.snapshot())]] as const) {
      for (const [indices, request] of requests) {
        const kept = await evaluator.infer(indices, request);
        const fresh = inferAll(model, ds, indices, request);
        expect(Array.from(kept.noisyCorrect), name).toEqual(Array.from(fresh.noisyCorrect));
        expect(Array.from(kept.predicted), name).toEqual(Array.from(fresh.predicted));
      }
    }
  });

  it('reports progress after every step, the robustness pass σ by σ; smaller noise groups give the same counts', async () => {
    const pass = noisePass(robustness(true))!;
    const n = split.train.length; // 7,001: four blocks
    for (const [name, evaluator, cleanSteps] of [['this thread', localEvaluator(model, ds), [2048, 4096, 6144, n]], ['2 replicas', pool.evaluator(model.snapshot()), [n]]] as const) {
      const clean: InferenceProgress[] = [];
      await evaluator.infer(split.train, CLEAN_PASS, (p) => clean.push(p));
      expect(clean.map((p) => p.done), name).toEqual(cleanSteps);
      expect(clean.every((p) => p.total === n && p.sigma === null), name).toBe(true);
      const noisy: InferenceProgress[] = [];
      await evaluator.infer(split.test, pass, (p) => noisy.push(p));
      // The 2,000 test images are one block: one step per σ, in order.
      expect(noisy.map((p) => [p.sigma, p.done, p.total, p.group, p.groups]), name).toEqual([[0, 2000, 6000, 1, 1], [1, 4000, 6000, 1, 1], [2, 6000, 6000, 1, 1]]);
    }
    // The training images (4 blocks) in noise groups of one block each: the same counts as all at once.
    const whole = inferAll(model, ds, split.train, pass);
    const grouped = allocateOutputs(split.train.length, pass, false);
    const cache = new NoiseCache();
    const steps = inferenceSteps(split.train.length, pass, { blocksPerStep: 1, noiseGroupBlocks: 1 });
    expect(steps.map((s) => `${s.from}:${s.sigma}`)).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0', '2:1', '2:2', '3:0', '3:1', '3:2']);
    for (const step of steps) inferStep(model, ds, split.train, step, pass, grouped, cache);
    expect(Array.from(grouped.noisyCorrect)).toEqual(Array.from(whole.noisyCorrect));
  });
});
