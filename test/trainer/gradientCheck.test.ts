// Every hand-written gradient of the scratch engine against tf.grad on the same weights and batch,
// on the reference cpu backend and on wasm (where our matmul kernel override is active).
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ScratchMlp, heInitialWeights } from '../../trainer/engine/scratchMlp';
import { Sgd } from '../../trainer/engine/optimizers';
import { oneHot } from '../../trainer/engine/loss';
import { initBackend } from '../../trainer/engine/backend';
import { mulberry32 } from '../../trainer/util/rng';

function maxRelativeError(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (scale || 1));
  return worst;
}

function check(l2: number) {
  const sizes = [12, 9, 7, 5];
  const model = new ScratchMlp(sizes, heInitialWeights(sizes, 3), l2, new Sgd());
  const rng = mulberry32(11);
  const x = tf.tensor2d(Float32Array.from({ length: 16 * 12 }, () => rng()), [16, 12]);
  const labels = Int32Array.from({ length: 16 }, () => Math.floor(rng() * 5));
  const targets = oneHot(labels, 5);
  const hand = model.gradients(x, targets);
  const reference = tf.grads((...vars: tf.Tensor[]) => model.objective(x, targets, vars))(model.variables);
  const errors = hand.grads.map((g, i) => maxRelativeError(g.dataSync(), reference[i].dataSync()));
  // The reported loss is the data term: objective − λ/2·Σ‖W‖².
  const penalty = model.variables.filter((_, i) => i % 2 === 0).reduce((s, w) => s + (l2 / 2) * tf.sum(tf.square(w)).dataSync()[0], 0);
  const lossGap = Math.abs(hand.loss.dataSync()[0] + penalty - model.objective(x, targets).dataSync()[0]);
  model.dispose();
  return { errors, lossGap, count: hand.grads.length };
}

describe.each(['cpu', 'wasm'] as const)('gradient check on %s', (backend) => {
  it('weights and biases of every layer match tf.grad (no L2)', async () => {
    await initBackend(backend);
    const { errors, lossGap, count } = check(0);
    expect(count).toBe(6);
    for (const e of errors) expect(e).toBeLessThan(1e-5);
    expect(lossGap).toBeLessThan(1e-6);
  });

  it('with the L2 penalty λ/2·ΣW² on weights only', async () => {
    await initBackend(backend);
    const { errors, lossGap } = check(0.05);
    for (const e of errors) expect(e).toBeLessThan(1e-5);
    expect(lossGap).toBeLessThan(1e-5);
  });

  it('matMul with transpose flags equals the explicit transpose', async () => {
    await initBackend(backend);
    const a = tf.randomNormal([37, 23], 0, 1, 'float32', 1);
    const b = tf.randomNormal([37, 19], 0, 1, 'float32', 2);
    const c = tf.randomNormal([29, 19], 0, 1, 'float32', 3);
    expect(maxRelativeError(tf.matMul(a, b, true, false).dataSync(), tf.matMul(tf.transpose(a), b).dataSync())).toBeLessThan(1e-6);
    expect(maxRelativeError(tf.matMul(b, c, false, true).dataSync(), tf.matMul(b, tf.transpose(c)).dataSync())).toBeLessThan(1e-6);
    expect(maxRelativeError(tf.matMul(tf.transpose(b), c, true, true).dataSync(), tf.matMul(b, tf.transpose(c)).dataSync())).toBeLessThan(1e-6);
  });
});
