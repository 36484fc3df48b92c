// Metrics against values computed by hand, and the evaluator's cross-entropy against a direct formula.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { topConfusedPairs } from '../../trainer/eval/confusedPairs';
import { accuracyOf, confusionMatrix, macroF1, perClassScores } from '../../trainer/eval/metrics';
import { evaluate } from '../../trainer/eval/evaluate';
import { addGaussianNoise } from '../../trainer/eval/robustness';
import { ScratchMlp } from '../../trainer/engine/scratchMlp';
import { Sgd } from '../../trainer/engine/optimizers';
import type { Dataset } from '../../trainer/data/dataset';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classification metrics', () => {
  // truth 0,0,1,1,2,2 — predicted 0,1,1,1,2,0
  const confusion = confusionMatrix([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);

  it('confusion rows are the true class', () => {
    expect(confusion).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    expect(accuracyOf(confusion)).toBeCloseTo(4 / 6, 12);
  });

  it('per-class precision, recall, F1 and macro F1', () => {
    const scores = perClassScores(confusion, ['a', 'b', 'c']);
    // class a: P = 1/2, R = 1/2, F1 = 1/2; b: P = 2/3, R = 1, F1 = 0.8; c: P = 1, R = 1/2, F1 = 2/3
    expect(scores.map((s) => [s.precision, s.recall, s.f1, s.support])).toEqual([
      [0.5, 0.5, 0.5, 2],
      [2 / 3, 1, 0.8, 2],
      [1, 0.5, 2 / 3, 2],
    ]);
    expect(macroF1(scores)).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
  });

  it('a class never predicted has precision 0, not NaN', () => {
    const s = perClassScores(confusionMatrix([0, 1], [0, 0], 2), ['x', 'y']);
    expect(s[1]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('top confused pairs are off-diagonal cells, largest first, with the share of the true class', () => {
    expect(topConfusedPairs([[5, 3, 0], [1, 4, 7], [0, 0, 2]], ['O', '0', 'D'], 2)).toEqual([
      { trueIndex: 1, predIndex: 2, trueName: '0', predName: 'D', count: 7, rate: 7 / 12 },
      { trueIndex: 0, predIndex: 1, trueName: 'O', predName: '0', count: 3, rate: 3 / 8 },
    ]);
    // Ties go to the lower true class, then the lower prediction; never more than there are cells.
    expect(topConfusedPairs([[0, 2, 2], [2, 0, 0], [0, 0, 0]], ['a', 'b', 'c'], 10).map((p) => `${p.trueName}→${p.predName}`)).toEqual(['a→b', 'a→c', 'b→a']);
  });
});

describe('evaluator', () => {
  it('mean cross-entropy equals −mean log softmax(z)[y] computed directly', () => {
    // A 2-pixel, 3-class linear model with fixed weights: logits = x·W + b.
    const W = [0.5, -1, 2, 1.5, 0.25, -0.5];
    const b = [0.1, 0, -0.2];
    const model = new ScratchMlp([2, 3], { names: ['w', 'b'], shapes: [[2, 3], [3]], values: [Float32Array.from(W), Float32Array.from(b)] }, 0, new Sgd());
    const ds: Dataset = { name: 't', images: Uint8Array.of(255, 0, 0, 255, 51, 102), labels: Uint8Array.of(2, 0, 1), count: 3, rows: 1, cols: 2, classNames: ['a', 'b', 'c'], transposed: false, sources: [] };
    const m = evaluate(model, ds, [0, 1, 2]);
    let ce = 0;
    for (let i = 0; i < 3; i++) {
      const x = [ds.images[2 * i] / 255, ds.images[2 * i + 1] / 255];
      const z = [0, 1, 2].map((k) => x[0] * W[k] + x[1] * W[3 + k] + b[k]);
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      ce += lse - z[ds.labels[i]];
    }
    expect(m.crossEntropy).toBeCloseTo(ce / 3, 5);
    expect(m.count).toBe(3);
  });

  it('Gaussian noise: σ·N(0,1) added, clipped only when asked, reproducible by seed', () => {
    const base = new Float32Array(4000).fill(0.5);
    const a = base.slice();
    const b = base.slice();
    addGaussianNoise(a, 0.3, 7, false);
    addGaussianNoise(b, 0.3, 7, false);
    expect(Array.from(a)).toEqual(Array.from(b));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(mean).toBeCloseTo(0.5, 1);
    expect(std).toBeGreaterThan(0.28);
    expect(std).toBeLessThan(0.32);
    expect(a.some((v) => v < 0 || v > 1)).toBe(true);
    const c = base.slice();
    addGaussianNoise(c, 0.3, 7, true);
    expect(c.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
