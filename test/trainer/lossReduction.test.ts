// lossReduction 'sum' against 'mean' in both engines: a hand calculation of the summed cross-entropy's
// gradients on a one-layer network, the scratch engine's hand-written gradients against tf.grad of the
// summed objective (with and without L2), and sum = exactly m × mean for every gradient of both engines
// (bit for bit when m is a power of two, where dividing by m is exact in float32), one SGD step with the
// sum at η equal to one with the mean at m·η, and the reported loss staying the mean CE either way.
// The data-parallel path with 'sum' is in dataParallel.test.ts.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../trainer/engine/backend';
import { ScratchMlp, heInitialWeights } from '../../trainer/engine/scratchMlp';
import { LayersMlp, type LayersMlpOptions } from '../../trainer/engine/layersMlp';
import { Sgd } from '../../trainer/engine/optimizers';
import { lossDivisor, oneHot } from '../../trainer/engine/loss';
import { validateConfig, DEFAULT_CONFIG } from '../../trainer/config/schema';
import { mulberry32 } from '../../trainer/util/rng';
import type { LossReduction } from '../../trainer/config/schema';

function batch(n: number, features: number, classes: number, seed = 1): { x: tf.Tensor2D; labels: Int32Array } {
  const rng = mulberry32(seed);
  return {
    x: tf.tensor2d(Float32Array.from({ length: n * features }, () => rng()), [n, features]),
    labels: Int32Array.from({ length: n }, () => Math.floor(rng() * classes)),
  };
}

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (scale || 1));
  return worst;
}

const scratch = (sizes: number[], reduction: LossReduction, l2 = 0) => new ScratchMlp(sizes, heInitialWeights(sizes, 3), l2, new Sgd(), reduction);

const layersOptions = (sizes: number[], reduction: LossReduction): LayersMlpOptions => ({
  sizes, activation: 'relu', batchNorm: false, dropout: 0, optimizer: 'sgd', momentum: 0, beta1: 0.9, beta2: 0.999,
  epsilon: 1e-8, l2: 0, weightDecay: 0, weightDecayMode: 'coupled', seed: 5, lossReduction: reduction,
});

/** The batch gradient of a model through its public shard path (one shard = the whole batch). */
function shardGrads(model: ScratchMlp | LayersMlp, x: tf.Tensor2D, labels: Int32Array): Float32Array[] {
  const { grads } = model.shardGradients(x, labels, { batchRows: labels.length, rowStart: 0, withPenalty: true });
  const out = grads.map((g) => g.dataSync().slice() as Float32Array);
  tf.dispose(grads);
  return out;
}

describe('the config field', () => {
  it("defaults to 'mean' (configs stored before it existed) and refuses anything but mean or sum", () => {
    const { lossReduction: _omit, ...old } = DEFAULT_CONFIG;
    expect(validateConfig(old).lossReduction).toBe('mean');
    expect(validateConfig({ ...DEFAULT_CONFIG, lossReduction: 'sum' }).lossReduction).toBe('sum');
    expect(() => validateConfig({ ...DEFAULT_CONFIG, lossReduction: 'max' })).toThrow(/lossReduction/);
    expect(lossDivisor('mean', 512)).toBe(512);
    expect(lossDivisor('sum', 512)).toBe(1);
  });
});

describe.each(['cpu', 'wasm'] as const)('lossReduction on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('sum: gradients of a one-layer network equal a hand calculation (dW = xᵀ(softmax − onehot), db = Σ rows)', () => {
    // x [3, 2], W [2, 3], b [3]; labels 0, 2, 1.
    const X = [[1, 0.5], [0, 2], [-1, 1]];
    const W = [[0.2, -0.1, 0.4], [0.3, 0.1, -0.2]];
    const b = [0.05, 0, -0.05];
    const y = [0, 2, 1];
    const model = new ScratchMlp([2, 3], { names: ['w', 'b'], shapes: [[2, 3], [3]], values: [Float32Array.from(W.flat()), Float32Array.from(b)] }, 0, new Sgd(), 'sum');
    // By hand, in float64: z = xW + b; p = softmax(z); CE_i = −log p[i, y_i]; dz = p − onehot.
    let ceSum = 0;
    const dW = [[0, 0, 0], [0, 0, 0]];
    const db = [0, 0, 0];
    X.forEach((row, i) => {
      const z = [0, 1, 2].map((k) => row[0] * W[0][k] + row[1] * W[1][k] + b[k]);
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const p = e.map((v) => v / e.reduce((s, t) => s + t, 0));
      ceSum += -Math.log(p[y[i]]);
      p.forEach((pk, k) => {
        const dz = pk - (k === y[i] ? 1 : 0);
        db[k] += dz;
        dW[0][k] += row[0] * dz;
        dW[1][k] += row[1] * dz;
      });
    });
    const x = tf.tensor2d(X);
    const hand = model.gradients(x, oneHot(Int32Array.from(y), 3));
    expect(maxRelativeError(hand.grads[0].dataSync(), dW.flat())).toBeLessThan(1e-6);
    expect(maxRelativeError(hand.grads[1].dataSync(), db)).toBeLessThan(1e-6);
    // The reported loss is the mean CE whatever the reduction; the objective is the sum.
    expect(hand.loss.dataSync()[0]).toBeCloseTo(ceSum / 3, 6);
    expect(model.objective(x, oneHot(Int32Array.from(y), 3)).dataSync()[0]).toBeCloseTo(ceSum, 5);
    model.dispose();
  });

  it.each([0, 0.05])('sum: every scratch gradient matches tf.grad of the summed objective (L2 %s)', (l2) => {
    const model = scratch([12, 9, 7, 5], 'sum', l2);
    const { x, labels } = batch(16, 12, 5, 11);
    const targets = oneHot(labels, 5);
    const hand = model.gradients(x, targets);
    const reference = tf.grads((...vars: tf.Tensor[]) => model.objective(x, targets, vars))(model.variables);
    hand.grads.forEach((g, i) => expect(maxRelativeError(g.dataSync(), reference[i].dataSync()), `gradient ${i}`).toBeLessThan(1e-5));
    model.dispose();
  });

  describe.each([
    ['scratch', (r: LossReduction) => scratch([12, 9, 7, 5], r)],
    ['layers', (r: LossReduction) => new LayersMlp(layersOptions([12, 9, 7, 5], r))],
  ] as const)('%s engine', (_engine, make) => {
    it('sum gives exactly m = 16 times the mean gradients (a power of two: bit for bit)', () => {
      const { x, labels } = batch(16, 12, 5, 21);
      const mean = make('mean');
      const sum = make('sum');
      const gMean = shardGrads(mean, x, labels);
      const gSum = shardGrads(sum, x, labels);
      expect(gSum).toHaveLength(gMean.length);
      gMean.forEach((g, i) => {
        const scaled = g.map((v) => v * 16);
        expect(Buffer.from(gSum[i].buffer).equals(Buffer.from(scaled.buffer)), `gradient ${i}`).toBe(true);
        expect(gSum[i].some((v) => v !== 0)).toBe(true);
      });
      mean.dispose();
      sum.dispose();
    });

    it('sum gives m = 12 times the mean gradients (up to float rounding)', () => {
      const { x, labels } = batch(12, 12, 5, 22);
      const mean = make('mean');
      const sum = make('sum');
      const gMean = shardGrads(mean, x, labels);
      const gSum = shardGrads(sum, x, labels);
      gMean.forEach((g, i) => expect(maxRelativeError(gSum[i], g.map((v) => v * 12)), `gradient ${i}`).toBeLessThan(1e-6));
      mean.dispose();
      sum.dispose();
    });

    it('one SGD step with the sum at η equals one with the mean at m·η; both report the mean CE', () => {
      const { x, labels } = batch(16, 12, 5, 23);
      const mean = make('mean');
      const sum = make('sum');
      const stepMean = mean.trainStep(x, labels, 0.01 * 16);
      const stepSum = sum.trainStep(x, labels, 0.01);
      expect(stepSum.loss).toBeCloseTo(stepMean.loss, 6);
      expect(stepSum.correct).toBe(stepMean.correct);
      const a = mean.snapshot();
      const b = sum.snapshot();
      a.values.forEach((v, i) => expect(maxRelativeError(b.values[i], v), a.names[i]).toBeLessThan(1e-6));
      mean.dispose();
      sum.dispose();
    });
  });
});
