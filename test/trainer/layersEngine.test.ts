// The layers engine's parts, each against what it should do: BatchNorm (batch statistics in training,
// running statistics in inference), dropout (on in training, off at evaluation, seeded), a weight-decay
// step against a hand calculation (Adam coupled/decoupled, SGD), deterministic snapshot names with
// BatchNorm statistics, save/reload giving identical predictions, presets, and the wasm matmul override
// covering the products autograd's Dense gradient calls.
import { describe, it, expect, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../trainer/engine/backend';
import { LayersMlp, BATCH_NORM, type LayersMlpOptions } from '../../trainer/engine/layersMlp';
import { SeededDropout } from '../../trainer/engine/layersDropout';
import { ScratchMlp, heInitialWeights } from '../../trainer/engine/scratchMlp';
import { Sgd } from '../../trainer/engine/optimizers';
import { oneHot } from '../../trainer/engine/loss';
import { createModel } from '../../trainer/engine/factory';
import { stockWasmKernel } from '../../trainer/engine/wasmMatMul';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { loadModel, saveModel } from '../../trainer/model/savedModel';
import { mulberry32 } from '../../trainer/util/rng';

const base: LayersMlpOptions = {
  sizes: [6, 5, 3],
  activation: 'relu',
  batchNorm: false,
  dropout: 0,
  optimizer: 'adam',
  momentum: 0,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  l2: 0,
  weightDecay: 0,
  weightDecayMode: 'coupled',
  seed: 5,
};

function batch(n: number, features: number, classes: number, seed = 1): { x: tf.Tensor2D; labels: Int32Array } {
  const rng = mulberry32(seed);
  return {
    x: tf.tensor2d(Float32Array.from({ length: n * features }, () => rng() * 2 - 0.5), [n, features]),
    labels: Int32Array.from({ length: n }, () => Math.floor(rng() * classes)),
  };
}

function columnStats(rows: number[][]): { mean: number[]; variance: number[] } {
  const n = rows.length;
  const mean = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const variance = rows[0].map((_, j) => rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n);
  return { mean, variance };
}

const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

describe.each(['cpu', 'wasm'] as const)('layers engine on %s', (backend) => {
  it('BatchNorm: batch statistics and a running-average update in training, running statistics in inference', async () => {
    await initBackend(backend);
    const model = new LayersMlp({ ...base, batchNorm: true });
    const bn = model.model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    const rng = mulberry32(3);
    const rows = Array.from({ length: 20 }, () => Array.from({ length: 5 }, () => rng() * 4 + 1));
    const h = tf.tensor2d(rows);
    const trained = (bn.apply(h, { training: true }) as tf.Tensor).arraySync() as number[][];
    const { mean, variance } = columnStats(rows);
    const out = columnStats(trained);
    for (let j = 0; j < 5; j++) {
      expect(out.mean[j]).toBeCloseTo(0, 4); // γ = 1, β = 0 at the start
      expect(out.variance[j]).toBeCloseTo(variance[j] / (variance[j] + BATCH_NORM.epsilon), 3);
    }
    // Running statistics moved by PyTorch's momentum 0.1 from (0, 1) towards the batch's (biased) statistics.
    const snap = model.snapshot();
    const get = (name: string) => Array.from(snap.values[snap.names.indexOf(name)]);
    const runMean = get('batch_norm_0/moving_mean');
    const runVar = get('batch_norm_0/moving_variance');
    for (let j = 0; j < 5; j++) {
      expect(runMean[j]).toBeCloseTo(0.1 * mean[j], 5);
      expect(runVar[j]).toBeCloseTo(0.9 + 0.1 * variance[j], 4);
    }
    // Inference normalises with the running statistics, not the batch's.
    const inferred = (bn.apply(h, { training: false }) as tf.Tensor).arraySync() as number[][];
    inferred.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo((rows[i][j] - runMean[j]) / Math.sqrt(runVar[j] + BATCH_NORM.epsilon), 4)));
    // ...and does not move them.
    expect(get('batch_norm_0/moving_mean')).toEqual(Array.from(model.snapshot().values[snap.names.indexOf('batch_norm_0/moving_mean')]));
    // Model level: in inference a row's logits do not depend on the rest of the batch; in training they do.
    const { x } = batch(8, 6, 3);
    const all = model.logits(x).arraySync();
    const first = model.logits(x.slice([0, 0], [1, 6])).arraySync();
    expect(first[0].map((v, k) => Math.abs(v - all[0][k])).every((d) => d < 1e-5)).toBe(true);
    const trainAll = tf.tidy(() => model.forward(x, true).arraySync());
    const allFlat = all.flat();
    expect(trainAll.flat().some((v, k) => Math.abs(v - allFlat[k]) > 1e-3)).toBe(true);
    tf.dispose([h, x]);
    model.dispose();
  });

  it('a training step updates the running statistics but never treats them as parameters', async () => {
    await initBackend(backend);
    const model = new LayersMlp({ ...base, batchNorm: true, weightDecay: 0.5, weightDecayMode: 'decoupled' });
    expect(model.parameterCount).toBe(6 * 5 + 5 + 2 * 5 + 5 * 3 + 3); // γ, β count; running statistics do not
    const before = model.snapshot();
    const { x, labels } = batch(16, 6, 3);
    model.trainStep(x, labels, 0.01);
    const after = model.snapshot();
    const i = after.names.indexOf('batch_norm_0/moving_variance');
    expect(Array.from(after.values[i])).not.toEqual(Array.from(before.values[i]));
    x.dispose();
    model.dispose();
  });

  it('dropout is on in training, off at evaluation, and reproducible from the seed', async () => {
    await initBackend(backend);
    const layer = new SeededDropout(0.5, 11);
    const ones = tf.ones([200, 100]);
    const a = (layer.apply(ones, { training: true }) as tf.Tensor).dataSync();
    const b = (layer.apply(ones, { training: true }) as tf.Tensor).dataSync();
    const zeros = a.filter((v) => v === 0).length / a.length;
    expect(zeros).toBeGreaterThan(0.47);
    expect(zeros).toBeLessThan(0.53);
    expect(a.every((v) => v === 0 || Math.abs(v - 2) < 1e-6)).toBe(true); // inverted dropout: ×1/(1−p)
    expect(Array.from(a)).not.toEqual(Array.from(b)); // a fresh mask each call
    const sameSeed = (new SeededDropout(0.5, 11).apply(ones, { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(sameSeed)).toEqual(Array.from(a)); // the same seed draws the same first mask
    expect(Array.from((layer.apply(ones, { training: false }) as tf.Tensor).dataSync())).toEqual(Array.from(ones.dataSync()));

    const model = new LayersMlp({ ...base, sizes: [6, 40, 3], dropout: 0.5 });
    const noDropout = new LayersMlp({ ...base, sizes: [6, 40, 3] });
    noDropout.restore(model.snapshot());
    const { x, labels } = batch(8, 6, 3);
    const eval1 = model.logits(x).arraySync();
    expect(model.logits(x).arraySync()).toEqual(eval1);
    expect(noDropout.logits(x).arraySync()).toEqual(eval1); // evaluation = the network without dropout
    const t1 = tf.tidy(() => model.forward(x, true).arraySync());
    const t2 = tf.tidy(() => model.forward(x, true).arraySync());
    expect(t1).not.toEqual(t2);
    expect(t1).not.toEqual(eval1);
    // Two runs from the same seed take identical steps.
    const twin = new LayersMlp({ ...base, sizes: [6, 40, 3], dropout: 0.5 });
    const again = new LayersMlp({ ...base, sizes: [6, 40, 3], dropout: 0.5 });
    for (let s = 0; s < 3; s++) expect(twin.trainStep(x, labels, 0.01)).toEqual(again.trainStep(x, labels, 0.01));
    [model, noDropout, twin, again].forEach((m) => m.dispose());
    tf.dispose([ones, x]);
  });

  describe('weight decay step against a hand calculation', () => {
    // The gradient g comes from the scratch engine's hand-written backprop on the same initial weights.
    async function setup(options: Partial<LayersMlpOptions>) {
      await initBackend(backend);
      const sizes = [4, 3, 2];
      const initial = heInitialWeights(sizes, 9);
      const { x, labels } = batch(10, 4, 2, 4);
      const scratch = new ScratchMlp(sizes, initial, 0, new Sgd());
      const targets = oneHot(labels, 2);
      const { grads, loss, logits } = scratch.gradients(x, targets);
      const g = grads.map((t) => Array.from(t.dataSync()));
      tf.dispose([targets, loss, logits, ...grads]);
      scratch.dispose();
      const model = new LayersMlp({ ...base, sizes, ...options }, initial);
      const theta = initial.values.map((v) => Array.from(v));
      return { model, x, labels, g, theta };
    }
    const lr = 0.1;
    const wd = 0.5;

    function expectUpdate(model: LayersMlp, expected: number[][]) {
      const snap = model.snapshot();
      expect(snap.names).toEqual(['dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias']);
      snap.values.forEach((v, i) => v.forEach((value, k) => expect(Math.abs(value - expected[i][k])).toBeLessThan(2e-6)));
    }

    it('Adam, coupled (PyTorch Adam(weight_decay)): g ← g + wd·θ, then the Adam step', async () => {
      const { model, x, labels, g, theta } = await setup({ weightDecay: wd, weightDecayMode: 'coupled' });
      model.trainStep(x, labels, lr);
      // Step 1: m̂ = g′, v̂ = g′², so θ ← θ − η·g′/(|g′| + ε) with g′ = g + wd·θ.
      expectUpdate(model, theta.map((th, i) => th.map((t, k) => {
        const gp = g[i][k] + wd * t;
        return t - (lr * gp) / (Math.abs(gp) + 1e-8);
      })));
      x.dispose();
      model.dispose();
    });

    it('Adam, decoupled (AdamW): θ ← θ − η·m̂/(√v̂ + ε) − η·wd·θ', async () => {
      const { model, x, labels, g, theta } = await setup({ weightDecay: wd, weightDecayMode: 'decoupled' });
      model.trainStep(x, labels, lr);
      expectUpdate(model, theta.map((th, i) => th.map((t, k) => t - (lr * g[i][k]) / (Math.abs(g[i][k]) + 1e-8) - lr * wd * t)));
      x.dispose();
      model.dispose();
    });

    it.each(['coupled', 'decoupled'] as const)('SGD, %s: θ ← θ − η·(g + wd·θ)', async (mode) => {
      const { model, x, labels, g, theta } = await setup({ optimizer: 'sgd', weightDecay: wd, weightDecayMode: mode });
      model.trainStep(x, labels, lr);
      expectUpdate(model, theta.map((th, i) => th.map((t, k) => t - lr * (g[i][k] + wd * t))));
      x.dispose();
      model.dispose();
    });
  });

  it('snapshot names are deterministic, include BatchNorm statistics, and never collide between models', async () => {
    await initBackend(backend);
    const a = new LayersMlp({ ...base, sizes: [6, 5, 4, 3], batchNorm: true, dropout: 0.2, activation: 'silu' });
    const b = new LayersMlp({ ...base, sizes: [6, 5, 4, 3], batchNorm: true, dropout: 0.2, activation: 'silu' });
    expect(a.snapshot().names).toEqual([
      'dense_0/kernel', 'dense_0/bias', 'batch_norm_0/gamma', 'batch_norm_0/beta', 'batch_norm_0/moving_mean', 'batch_norm_0/moving_variance',
      'dense_1/kernel', 'dense_1/bias', 'batch_norm_1/gamma', 'batch_norm_1/beta', 'batch_norm_1/moving_mean', 'batch_norm_1/moving_variance',
      'dense_2/kernel', 'dense_2/bias',
    ]);
    expect(b.snapshot()).toEqual(a.snapshot()); // same seed, same initial weights
    // Same He draw as the scratch engine for the same seed.
    const he = heInitialWeights([6, 5, 4, 3], base.seed);
    expect(a.snapshot().values[0]).toEqual(he.values[0]);
    expect(() => a.restore(heInitialWeights([6, 5, 4, 3], 1))).toThrow(/lack batch_norm_0\/gamma/);
    const wider = new LayersMlp({ ...base, sizes: [6, 7, 4, 3], batchNorm: true });
    expect(() => a.restore(wider.snapshot())).toThrow(/dense_0\/kernel has shape \[6,7\] in the snapshot but \[6,5\]/);
    wider.dispose();
    a.dispose();
    b.dispose();
  });

  it('a saved layers model (BatchNorm, dropout, SiLU) reloads to identical predictions', async () => {
    await initBackend(backend);
    const config = withOverrides(findPreset('M3b').config, { hidden: [16, 8], backend });
    const model = createModel(config, 6, 3);
    const { x, labels } = batch(32, 6, 3);
    for (let s = 0; s < 4; s++) model.trainStep(x, labels, 0.01);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'layers-model-'));
    tmpDirs.push(dir);
    await saveModel(dir, model, { config, inputSize: 6, classNames: ['a', 'b', 'c'], image: { rows: 2, cols: 3, transposed: false }, backend, codeVersion: 'test' });
    const { model: loaded, manifest } = await loadModel(dir);
    expect(manifest.engine).toBe('layers');
    expect(manifest.weights.map((w) => w.name)).toContain('batch_norm_1/moving_variance');
    expect(loaded.snapshot()).toEqual(model.snapshot());
    expect(Array.from(loaded.logits(x).dataSync())).toEqual(Array.from(model.logits(x).dataSync()));
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it.each(['relu', 'gelu', 'silu'] as const)('the first Dense layer computes the same output on its training path (no input gradient) as fused (%s)', async (activation) => {
    await initBackend(backend);
    for (const batchNorm of [false, true]) {
      const model = new LayersMlp({ ...base, activation, batchNorm });
      const dense = model.model.layers[0];
      const { x } = batch(8, 6, 3);
      const fused = (dense.apply(x, { training: false }) as tf.Tensor).dataSync();
      const plain = (dense.apply(x, { training: true }) as tf.Tensor).dataSync();
      fused.forEach((v, i) => expect(Math.abs(v - plain[i])).toBeLessThan(1e-6));
      x.dispose();
      model.dispose();
    }
  });

  it('creating, training and disposing a model leaves no tensors behind', async () => {
    await initBackend(backend);
    const { x, labels } = batch(16, 6, 3);
    const before = tf.memory().numTensors;
    const model = new LayersMlp({ ...base, batchNorm: true, dropout: 0.3, activation: 'gelu', weightDecay: 0.01 });
    model.trainStep(x, labels, 0.01);
    const mid = tf.memory().numTensors;
    model.trainStep(x, labels, 0.01);
    model.logits(x).dispose();
    expect(tf.memory().numTensors).toBe(mid);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('presets', () => {
  it('M2 is M1g on the layers engine under the batch mean (the study\'s PyTorch protocol); M3a and M3b as the study describes', () => {
    // M1g as published sums its batch loss (the study's own engine); M2 keeps tf.layers' mean.
    const m1gMean = findPreset('M1g · batch mean').config;
    expect(findPreset('M2').config).toEqual({ ...m1gMean, engine: 'layers' });
    expect(findPreset('M1g').config).toEqual({ ...m1gMean, lossReduction: 'sum' });
    expect(findPreset('M3a').config).toMatchObject({
      engine: 'layers', hidden: [256, 128, 64, 64], activation: 'gelu', dropout: 0.2, batchNorm: false,
      weightDecay: 0.01, optimizer: 'adam', lr: 0.001, earlyStopping: { patience: 7, minDelta: 0 },
    });
    expect(findPreset('M3b').config).toMatchObject({
      engine: 'layers', hidden: [400, 400], activation: 'silu', batchNorm: true, dropout: 0.3,
      weightDecay: 0.01, optimizer: 'adam', lr: 0.001, earlyStopping: { patience: 7, minDelta: 0 },
    });
  });
});

describe('the wasm matmul override covers the products of the Dense gradient', () => {
  it('every matmul kernel of a layers training step is one the override wraps, flagged ones included', async () => {
    await initBackend('wasm');
    const wrapped = ['BatchMatMul', '_FusedMatMul'];
    const matmulKernels = tf.getKernelsForBackend('wasm').map((k) => k.kernelName).filter((n) => /matmul/i.test(n));
    expect(matmulKernels.sort()).toEqual(wrapped.slice().sort());
    for (const name of wrapped) expect(tf.getKernel(name, 'wasm')!.kernelFunc).not.toBe(stockWasmKernel(name as 'BatchMatMul'));
    const calls: { name: string; flagged: boolean }[] = [];
    const installed = wrapped.map((name) => tf.getKernel(name, 'wasm')!);
    for (const k of installed) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel({
        ...k,
        kernelFunc: (args) => {
          const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
          calls.push({ name: k.kernelName, flagged: !!(attrs.transposeA || attrs.transposeB) });
          return k.kernelFunc(args);
        },
      });
    }
    try {
      for (const batchNorm of [false, true]) {
        const model = new LayersMlp({ ...base, sizes: [6, 5, 4, 3], batchNorm });
        const { x, labels } = batch(8, 6, 3);
        calls.length = 0;
        model.trainStep(x, labels, 0.01);
        // forward 3 products; backward dW for 3 layers and dX for the 2 upper ones (at least)
        expect(calls.length).toBeGreaterThanOrEqual(8);
        expect(calls.filter((c) => c.flagged).length).toBeGreaterThanOrEqual(5);
        x.dispose();
        model.dispose();
      }
    } finally {
      for (const k of installed) {
        tf.unregisterKernel(k.kernelName, 'wasm');
        tf.registerKernel(k);
      }
    }
  });
});
