// The numerics of the presets under summed gradients (issue 25), checked by hand on a 2-input,
// 2-class network whose softmax can be worked out on paper: L2 is λ/2·ΣW² added to the SUMMED loss
// (gradient Σ∂CE + λW, the penalty not divided by the batch), Adam's ε is added to √v̂ of the summed
// gradient as it is (so a gradient near ε moves further than its batch mean would), momentum
// accumulates the summed gradient, and the learning-rate schedules depend on the epoch only.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ScratchMlp } from '../../trainer/engine/scratchMlp';
import { makeOptimizer } from '../../trainer/engine/optimizers';
import { learningRateAt } from '../../trainer/engine/schedules';
import { oneHot } from '../../trainer/engine/loss';
import { initBackend } from '../../trainer/engine/backend';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides, type RunConfig } from '../../trainer/config/schema';
import { runExperiment } from '../../trainer/run';
import { syntheticDataset } from '../../trainer/bench/throughput';

/** σ(1) = e/(1+e): softmax of logits [1, 0] for the first class. */
const A = Math.E / (1 + Math.E);

/** A one-layer 2→2 network with the preset's L2, optimiser and reduction, and hand-chosen weights. */
function model(config: RunConfig, W: number[][], b = [0, 0]) {
  const initial = { names: ['dense_0/kernel', 'dense_0/bias'], shapes: [[2, 2], [2]], values: [Float32Array.from(W.flat()), Float32Array.from(b)] };
  return new ScratchMlp([2, 2], initial, config.l2, makeOptimizer(config), config.lossReduction);
}

const weights = (m: ScratchMlp): [number[][], number[]] => [m.variables[0].arraySync() as number[][], m.variables[1].arraySync() as number[]];

describe('preset numerics under summed gradients, by hand', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('M1d (momentum SGD + L2): the gradient is Σ∂CE + λW, and momentum carries it into the second step', () => {
    const config = findPreset('M1d').config;
    expect(config).toMatchObject({ lossReduction: 'sum', l2: 0.01, momentum: 0.9, lr: 0.001 });
    const m = model(config, [[1, 0], [0, 1]]);
    // Two rows, both misclassified: x1 = [1,0] → logits [1,0], label 1; x2 = [0,1] → logits [0,1], label 0.
    // dz1 = [A, −A], dz2 = [−A, A]; dW = xᵀ·dz = [[A, −A], [−A, A]] summed (not halved); + λW = 0.01·I.
    const x = tf.tensor2d([[1, 0], [0, 1]]);
    const labels = Int32Array.from([1, 0]);
    const g = m.gradients(x, oneHot(labels, 2));
    expect(g.grads[0].arraySync()).toEqual([[expect.closeTo(A + 0.01, 6), expect.closeTo(-A, 6)], [expect.closeTo(-A, 6), expect.closeTo(A + 0.01, 6)]]);
    expect(g.loss.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.E), 5); // the reported loss stays the mean CE
    // The objective: Σ CE (2 rows) + λ/2·ΣW² = 2·log(1+e) + 0.005·2.
    expect(m.objective(x, oneHot(labels, 2)).dataSync()[0]).toBeCloseTo(2 * Math.log(1 + Math.E) + 0.01, 5);

    // Step 1: v = g, W ← W − η·v.
    m.trainStep(x, labels, config.lr);
    const g1 = [[A + 0.01, -A], [-A, A + 0.01]];
    const W1 = [[1, 0], [0, 1]].map((row, i) => row.map((w, j) => w - 0.001 * g1[i][j]));
    expect(weights(m)[0]).toEqual(W1.map((row) => row.map((w) => expect.closeTo(w, 6))));
    // Step 2 on the same batch: the new logits by hand, g2 = Σ∂CE(W1) + λW1, v = 0.9·g1 + g2, W ← W1 − η·v.
    const softmax = (z: number[]) => z.map((v) => Math.exp(v) / z.reduce((s, u) => s + Math.exp(u), 0));
    const dz = [[1, 0], [0, 1]].map((xi, r) => softmax([0, 1].map((j) => xi[0] * W1[0][j] + xi[1] * W1[1][j])).map((p, j) => p - (j === labels[r] ? 1 : 0)));
    const g2 = [0, 1].map((i) => [0, 1].map((j) => dz[i][j] + 0.01 * W1[i][j])); // x = I, so (xᵀ·dz)[i][j] = dz[i][j]
    const W2 = W1.map((row, i) => row.map((w, j) => w - 0.001 * (0.9 * g1[i][j] + g2[i][j])));
    m.trainStep(x, labels, config.lr);
    expect(weights(m)[0]).toEqual(W2.map((row) => row.map((w) => expect.closeTo(w, 6))));
    // The biases: db = Σ dz = 0 on the first step, so only momentum of step 2's Σ dz moves them.
    expect(weights(m)[1]).toEqual([0, 1].map((j) => expect.closeTo(-0.001 * (dz[0][j] + dz[1][j]), 7)));
    m.dispose();
  });

  it('M1c (Adam + L2): a weight without data gradient is moved by λW through Adam\'s moments, a full step η', () => {
    const config = findPreset('M1c').config;
    expect(config).toMatchObject({ lossReduction: 'sum', l2: 0.01, optimizer: 'adam', epsilon: 1e-8 });
    // Both rows x = [1,0] with label 1: feature 2 is never on, so W[1][*] gets λW only.
    const m = model(config, [[1, 0], [0.5, 1]]);
    const x = tf.tensor2d([[1, 0], [1, 0]]);
    const labels = Int32Array.from([1, 1]);
    const g = m.gradients(x, oneHot(labels, 2)).grads[0].arraySync() as number[][];
    expect(g).toEqual([[expect.closeTo(2 * A + 0.01, 6), expect.closeTo(-2 * A, 6)], [expect.closeTo(0.005, 7), expect.closeTo(0.01, 7)]]);
    m.trainStep(x, labels, config.lr);
    // Adam's first step is η·g/(|g| + ε) per entry (bias correction makes m̂ = g, v̂ = g²).
    const step = (gi: number) => 0.001 * gi / (Math.abs(gi) + 1e-8);
    const [[w00, w01], [w10, w11]] = weights(m)[0];
    expect(w00).toBeCloseTo(1 - step(2 * A + 0.01), 6);
    expect(w01).toBeCloseTo(0 - step(-2 * A), 6);
    expect(w10).toBeCloseTo(0.5 - step(0.005), 6);
    expect(w11).toBeCloseTo(1 - step(0.01), 6);
    m.dispose();
  });

  it('Adam\'s ε (M1b) is added to the summed gradient\'s √v̂ unscaled: a gradient near ε steps as the study\'s code would', () => {
    const s = 4e-9; // a faint pixel: its summed gradient 2·s·½ = 4e-9 is comparable to ε = 1e-8
    const first = (reduction: 'sum' | 'mean') => {
      const config = withOverrides(findPreset('M1b').config, { lossReduction: reduction });
      const m = model(config, [[0, 0], [0, 0]]);
      // Zero weights: p = [½, ½]; two rows x = [0, s] with label 0, dz = [−½, ½] each; dW[1][0] = Σ s·(−½).
      const x = tf.tensor2d([[0, s], [0, s]]);
      m.trainStep(x, Int32Array.from([0, 0]), config.lr);
      const w = weights(m)[0][1][0];
      m.dispose();
      return w;
    };
    // Summed: g = −2·s·½ = −4e-9 → Δw = η·4e-9/(4e-9 + 1e-8) = η·2/7. Mean: g = −2e-9 → η·2e-9/1.2e-8 = η/6.
    expect(first('sum')).toBeCloseTo(0.001 * (2 / 7), 9);
    expect(first('mean')).toBeCloseTo(0.001 / 6, 9);
  });

  it('M1e and M1f: the per-epoch learning rate is the schedule of the epoch alone, under either reduction', async () => {
    // By hand: linear 1e-3 − 1.8e-5·t floored at 1e-4; exponential 1e-3·0.95^t.
    const m1e = findPreset('M1e').config;
    const m1f = findPreset('M1f').config;
    expect([0, 1, 10, 50, 80].map((t) => learningRateAt(m1e.schedule, m1e.lr, t))).toEqual([0.001, 0.000982, 0.00082, 0.0001, 0.0001].map((v) => expect.closeTo(v, 12)));
    expect([0, 1, 2, 10].map((t) => learningRateAt(m1f.schedule, m1f.lr, t))).toEqual([0.001, 0.00095, 0.0009025, 0.000598736939].map((v) => expect.closeTo(v, 12)));
    // The training loop uses exactly these, epoch by epoch, for the summed preset and its batch-mean variant.
    const ds = syntheticDataset(400, 4, 3);
    for (const name of ['M1f', 'M1f · batch mean']) {
      const config = withOverrides(findPreset(name).config, { hidden: [8], epochs: 3, batchSize: 64, backend: 'cpu', threads: 1 });
      const r = await runExperiment(config, { dataset: ds, preset: name });
      expect(r.history.map((h) => h.lr)).toEqual([0.001, 0.00095, 0.0009025].map((v) => expect.closeTo(v, 12)));
    }
  });
});
