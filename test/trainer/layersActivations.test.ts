// The layers engine's activations (tfjs 'relu', 'gelu', 'swish') against their formulas — value and
// derivative (through tf.grad) — on the reference cpu backend and on wasm, as layers and inside Dense.
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../trainer/engine/backend';
import { ACTIVATION_FORMULAS, activationLayer, erf, TFJS_ACTIVATION, type ActivationName } from '../../trainer/engine/layersActivations';

const xs = Array.from({ length: 241 }, (_, i) => -6 + i * 0.05); // −6 … 6

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('reference formulas', () => {
  it('erf series matches known values', () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 14);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051464753108, 14);
  });

  it('gelu and silu formulas at a few points', () => {
    expect(ACTIVATION_FORMULAS.gelu.f(1)).toBeCloseTo(0.8413447460685429, 12); // Φ(1)
    expect(ACTIVATION_FORMULAS.gelu.f(-1)).toBeCloseTo(-0.15865525393145707, 12);
    expect(ACTIVATION_FORMULAS.silu.f(1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
    expect(ACTIVATION_FORMULAS.silu.f(0)).toBe(0);
    // derivatives against central differences of the formula itself
    for (const name of ['gelu', 'silu'] as const) {
      for (const x of [-3, -0.7, 0, 0.4, 2.5]) {
        const h = 1e-6;
        const numeric = (ACTIVATION_FORMULAS[name].f(x + h) - ACTIVATION_FORMULAS[name].f(x - h)) / (2 * h);
        expect(ACTIVATION_FORMULAS[name].df(x)).toBeCloseTo(numeric, 8);
      }
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('activations on %s', (backend) => {
  it.each(['relu', 'gelu', 'silu'] as ActivationName[])('%s layer: value and gradient equal the formula', async (name) => {
    await initBackend(backend);
    const { f, df } = ACTIVATION_FORMULAS[name];
    const layer = activationLayer(name);
    const x = tf.tensor1d(xs);
    const y = layer.apply(x) as tf.Tensor;
    expect(maxAbsDiff(y.dataSync(), xs.map(f))).toBeLessThan(2e-6);
    // relu′ is undefined at 0; skip that point
    const grad = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor))(x).dataSync();
    const keep = xs.map((v, i) => i).filter((i) => !(name === 'relu' && Math.abs(xs[i]) < 1e-9));
    expect(maxAbsDiff(keep.map((i) => grad[i]), keep.map((i) => df(xs[i])))).toBeLessThan(5e-6);
    tf.dispose([x, y]);
  });

  it.each(['relu', 'gelu', 'silu'] as ActivationName[])('%s fused in a Dense layer equals f(x·W + b)', async (name) => {
    await initBackend(backend);
    const dense = tf.layers.dense({ units: 3, activation: TFJS_ACTIVATION[name], inputShape: [2], kernelInitializer: 'ones', biasInitializer: 'ones' });
    const input = [[0.3, -1.2], [2, 0.5], [-2.5, -1]];
    const y = (dense.apply(tf.tensor2d(input)) as tf.Tensor).arraySync() as number[][];
    input.forEach((row, i) => y[i].forEach((v) => expect(v).toBeCloseTo(ACTIVATION_FORMULAS[name].f(row[0] + row[1] + 1), 5)));
    dense.dispose();
  });
});
