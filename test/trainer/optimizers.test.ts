// Each hand-written optimiser against a step computed by hand, plus schedules and early stopping.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Adam, Sgd } from '../../trainer/engine/optimizers';
import { learningRateAt } from '../../trainer/engine/schedules';
import { EarlyStopping } from '../../trainer/engine/earlyStopping';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(opt: { apply: Sgd['apply'] }, grads: number[][], lr: number, start = [1, -2]): number[] {
  const theta = tf.variable(tf.tensor1d(start));
  for (const g of grads) opt.apply([theta], [tf.tensor1d(g)], lr);
  return Array.from(theta.dataSync());
}

const close = (actual: number[], expected: number[], digits = 6) => actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));

describe('optimisers', () => {
  it('SGD: θ ← θ − η·g', () => {
    close(run(new Sgd(0), [[0.5, 0.1]], 0.1), [0.95, -2.01]);
  });

  it('momentum: v ← βv + g; θ ← θ − ηv (two steps)', () => {
    // step 1: v = [0.5, 0.1], θ = [0.95, −2.01]; step 2: v = [0.95, 0.19], θ = [0.855, −2.029]
    close(run(new Sgd(0.9), [[0.5, 0.1], [0.5, 0.1]], 0.1), [0.855, -2.029]);
  });

  it('Adam with bias correction (two steps)', () => {
    const adam = () => new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    // Step 1: m̂ = g, v̂ = g², so θ moves by η·sign(g).
    close(run(adam(), [[0.5, 0.1]], 0.1), [0.9, -2.1]);
    // Step 2 with g = [−0.5, 0.2]: m = [−0.005, 0.029], v = [4.9975e-4, 4.999e-5],
    // m̂ = m/0.19, v̂ = v/0.001999 → Δ = 0.1·m̂/√v̂ = [−0.00526316, 0.0965182].
    close(run(adam(), [[0.5, 0.1], [-0.5, 0.2]], 0.1), [0.90526316, -2.1965182], 5);
  });

  it('Adam weight decay: coupled adds wd·θ to g, decoupled (AdamW) subtracts η·wd·θ', () => {
    // coupled: g' = [0.5 + 0.1·1, 0.1 + 0.1·(−2)] = [0.6, −0.1] → θ − η·sign(g') = [0.9, −1.9]
    close(run(new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, weightDecayMode: 'coupled' }), [[0.5, 0.1]], 0.1), [0.9, -1.9]);
    // decoupled: θ − η·sign(g) − η·wd·θ = [1 − 0.1 − 0.01, −2 − 0.1 + 0.02]
    close(run(new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, weightDecayMode: 'decoupled' }), [[0.5, 0.1]], 0.1), [0.89, -2.08]);
  });
});

describe('learning-rate schedules', () => {
  it('linear: max(η_min, η0 − α·t)', () => {
    const s = { type: 'linear' as const, alpha: 1.8e-5, minLr: 1e-4 };
    expect(learningRateAt(s, 1e-3, 0)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(s, 1e-3, 10)).toBeCloseTo(1e-3 - 1.8e-4, 12);
    expect(learningRateAt(s, 1e-3, 50)).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(s, 1e-3, 80)).toBe(1e-4);
  });

  it('exponential: η0·γ^t', () => {
    const s = { type: 'exponential' as const, gamma: 0.95 };
    expect(learningRateAt(s, 1e-3, 0)).toBe(1e-3);
    expect(learningRateAt(s, 1e-3, 2)).toBeCloseTo(1e-3 * 0.9025, 12);
    expect(learningRateAt({ type: 'constant' }, 0.01, 7)).toBe(0.01);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and remembers the best epoch', () => {
    const es = new EarlyStopping(2);
    const losses = [1.0, 0.8, 0.85, 0.7, 0.75, 0.71, 0.9];
    const stops = losses.map((l, i) => es.update(i + 1, l));
    expect(stops.map((s) => s.improved)).toEqual([true, true, false, true, false, false, false]);
    expect(stops.findIndex((s) => s.stop)).toBe(5); // epoch 6: two epochs after the best (epoch 4)
    expect(es.bestEpoch).toBe(4);
    expect(es.bestLoss).toBe(0.7);
  });

  it('minDelta: improvements smaller than it do not count', () => {
    const es = new EarlyStopping(1, 0.05);
    expect(es.update(1, 1.0).improved).toBe(true);
    expect(es.update(2, 0.97)).toEqual({ improved: false, stop: true });
  });
});
