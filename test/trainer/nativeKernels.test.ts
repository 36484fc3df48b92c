// The native CPU path: the wasm backend's matrix products on OpenBLAS (trainer/engine/wasmBlasMatMul.ts).
// It is active wherever the environment does not switch it off (NATIVE_BLAS=0; CI installs
// libopenblas0-pthread and runs the engine tests once more with it off), so a silent fallback to the wasm
// kernels fails here. Against the wasm kernels on the same weights: every product, every scratch gradient
// and every layers-engine gradient within 1e-5 relative; a short M1g and M2 on the 10,000 MNIST digits
// reach the same test accuracy within 0.3 pt; a run is reproducible with the same seed and threads, and
// resuming from a checkpoint is exact on the native path with two replicas.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { describeCompute, initBackend, kernelLibrary, nativeKernelsNotice, probeCapabilities } from '../../trainer/engine/backend';
import { loadOpenBlas, nativeBlasAllowed } from '../../trainer/engine/openblas';
import { withWasmKernels } from '../../trainer/engine/wasmBlasMatMul';
import { ScratchMlp, heInitialWeights } from '../../trainer/engine/scratchMlp';
import { Adam, Sgd, type Optimizer } from '../../trainer/engine/optimizers';
import { oneHot } from '../../trainer/engine/loss';
import { createModel } from '../../trainer/engine/factory';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides, type RunConfig } from '../../trainer/config/schema';
import { loadMnistPackage } from '../../trainer/data/mnistPackage';
import { runExperiment } from '../../trainer/run';
import { syntheticDataset } from '../../trainer/bench/throughput';
import type { TrainingCheckpoint } from '../../trainer/train/checkpoint';
import type { Dataset } from '../../trainer/data/dataset';
import { fillNormal, mulberry32 } from '../../trainer/util/rng';

/** ‖a − b‖∞ / ‖b‖∞: rounding differences measured against the tensor's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / (scale || 1);
}

const native = nativeBlasAllowed();

describe.runIf(!native)('with NATIVE_BLAS=0', () => {
  it('the wasm backend keeps its own kernels and says so in one line, with how much slower', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    expect(kernelLibrary()).toBe('XNNPACK');
    expect(nativeKernelsNotice()).toMatch(/^native CPU kernels off \(NATIVE_BLAS=0\): training on the wasm kernels, about \d+(\.\d+)?× slower$/);
  });
});

describe.runIf(native)('native CPU kernels (OpenBLAS on the wasm heap)', () => {
  beforeAll(async () => {
    await initBackend('auto');
  });

  it('are active: auto picks wasm with OpenBLAS, and workers register it (install libopenblas0-pthread, or run with NATIVE_BLAS=0)', async () => {
    const { lib, reason } = loadOpenBlas();
    expect(reason, 'OpenBLAS did not load: apt-get install libopenblas0-pthread').toBe('');
    expect(lib!.name).toMatch(/^OpenBLAS \d+\.\d+\.\d+$/);
    expect(tf.getBackend()).toBe('wasm');
    expect(kernelLibrary()).toBe(lib!.name);
    expect(nativeKernelsNotice()).toBeNull();
    const wasm = (await probeCapabilities()).backends.find((b) => b.backend === 'wasm')!;
    expect(wasm).toEqual({ backend: 'wasm', device: 'cpu', detail: `WebAssembly SIMD + ${lib!.name}`, kernels: lib!.name });
    expect(describeCompute('wasm', lib!.name, 2)).toBe(`wasm + ${lib!.name}, 2 threads`);
  });

  it('a product with every transpose flag, batched and broadcast, and a column sum match a float64 reference and the wasm kernel', () => {
    const rng = mulberry32(5);
    const values = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
    const [m, k, n] = [37, 53, 29];
    const a = values(m * k);
    const b = values(k * n);
    // Reference in float64: C[i][j] = Σ_p A[i][p]·B[p][j].
    const expected = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) expected[i * n + j] += a[i * k + p] * b[p * n + j];
    const A = tf.tensor2d(a, [m, k]);
    const B = tf.tensor2d(b, [k, n]);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const product = tf.matMul(ta ? A.transpose() : A, tb ? B.transpose() : B, ta, tb).dataSync();
      expect(relativeError(product, expected), `transposeA ${ta}, transposeB ${tb}`).toBeLessThan(1e-6);
    }
    const stock = withWasmKernels(() => tf.matMul(A, B).dataSync());
    expect(relativeError(tf.matMul(A, B).dataSync(), stock)).toBeLessThan(1e-6);
    // Batched [2, m, k]·[1, k, n] (broadcast), and the fused product with bias and ReLU.
    const batched = tf.matMul(tf.stack([A, A.neg()]) as tf.Tensor3D, B.expandDims(0) as tf.Tensor3D);
    expect(batched.shape).toEqual([2, m, n]);
    expect(relativeError(batched.dataSync().subarray(m * n), Float64Array.from(expected, (v) => -v))).toBeLessThan(1e-6);
    const bias = tf.tensor1d(values(n));
    const fused = tf.fused.matMul({ a: A, b: B, bias, activation: 'relu' }).dataSync();
    const fusedStock = withWasmKernels(() => tf.fused.matMul({ a: A, b: B, bias, activation: 'relu' }).dataSync());
    expect(relativeError(fused, fusedStock)).toBeLessThan(1e-6);
    expect(Math.min(...fused)).toBe(0);
    // Column sums (bias gradients) on sgemv: Σ_i A[i][j].
    const sums = new Float64Array(k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) sums[p] += a[i * k + p];
    expect(relativeError(tf.sum(A, 0).dataSync(), sums)).toBeLessThan(1e-6);
    expect(tf.sum(A, 0, true).shape).toEqual([1, k]);
    expect(relativeError(tf.sum(A, -2).dataSync(), withWasmKernels(() => tf.sum(A, 0).dataSync()))).toBeLessThan(1e-6);
    expect(tf.sum(A, 1).dataSync()[0]).toBeCloseTo(a.subarray(0, k).reduce((x, y) => x + y, 0), 4);
  });

  it('scratch gradients of an M1g-shaped step agree with the wasm kernels within 1e-5 relative', () => {
    const sizes = [784, 400, 240, 120, 47];
    const model = new ScratchMlp(sizes, heInitialWeights(sizes, 3), 1e-4, new Sgd());
    const rng = mulberry32(11);
    const x = tf.tensor2d(Float32Array.from({ length: 128 * 784 }, () => (rng() < 0.8 ? 0 : rng())), [128, 784]);
    const targets = oneHot(Int32Array.from({ length: 128 }, () => Math.floor(rng() * 47)), 47);
    const blas = model.gradients(x, targets);
    const wasm = withWasmKernels(() => model.gradients(x, targets));
    expect(relativeError(blas.loss.dataSync(), wasm.loss.dataSync())).toBeLessThan(1e-6);
    blas.grads.forEach((g, i) => expect(relativeError(g.dataSync(), wasm.grads[i].dataSync()), `gradient ${i}`).toBeLessThan(1e-5));
    model.dispose();
  });

  it('the fused optimiser kernels (Adam, momentum) give the op chain\'s values bit for bit, odd sizes included', () => {
    const shapes = [[784, 400], [400], [120, 47], [47], [3]];
    const normal = (shape: number[], seed: number, scale: number) => tf.tensor(fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), mulberry32(seed), scale), shape);
    const train = (optimizer: Optimizer) => {
      const variables = shapes.map((s, i) => tf.variable(normal(s, 10 + i, 1)));
      for (let t = 0; t < 5; t++) {
        const grads = shapes.map((s, i) => normal(s, 100 * t + i, 1e-3 * (t + 1)));
        optimizer.apply(variables, grads, 1e-3 * (t + 1));
        tf.dispose(grads);
      }
      const values = variables.map((v) => v.dataSync().slice());
      tf.dispose(variables);
      optimizer.dispose();
      return values;
    };
    const makers: [string, () => Optimizer][] = [
      ['Adam', () => new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 })],
      ['momentum', () => new Sgd(0.9)],
      ['AdamW (op chain both times)', () => new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, weightDecayMode: 'decoupled' })],
    ];
    for (const [name, make] of makers) {
      const fused = train(make());
      const chain = withWasmKernels(() => train(make()));
      fused.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(chain[i].buffer)), `${name}, variable ${i}`).toBe(true));
    }
  });

  it('layers-engine gradients (M2: tf.layers with autograd) agree with the wasm kernels within 1e-5 relative', () => {
    const config = withOverrides(findPreset('M2').config, { seed: 4 });
    const model = createModel(config, 784, 47);
    const rng = mulberry32(12);
    const x = tf.tensor2d(Float32Array.from({ length: 128 * 784 }, () => (rng() < 0.8 ? 0 : rng())), [128, 784]);
    const labels = Int32Array.from({ length: 128 }, () => Math.floor(rng() * 47));
    const shard = { batchRows: 128, rowStart: 0, withPenalty: true };
    const blas = model.shardGradients(x, labels, shard);
    const wasm = withWasmKernels(() => model.shardGradients(x, labels, shard));
    expect(blas.grads).toHaveLength(8);
    expect(Math.abs(blas.lossSum - wasm.lossSum) / wasm.lossSum).toBeLessThan(1e-6);
    blas.grads.forEach((g, i) => expect(relativeError(g.dataSync(), wasm.grads[i].dataSync()), `gradient ${i}`).toBeLessThan(1e-5));
    model.dispose();
  });

  describe('whole runs', () => {
    let mnist: Dataset;
    beforeAll(() => {
      mnist = loadMnistPackage();
    });
    const short = (preset: string, threads: number): RunConfig =>
      withOverrides(findPreset(preset).config, { epochs: 3, seed: 7, threads, backend: 'wasm', robustness: { ...findPreset(preset).config.robustness, sigmas: [0, 0.3] } });

    it.each(['M1g', 'M2'])('%s for 3 epochs on MNIST reaches the wasm kernels\' test accuracy within 0.3 pt', async (preset) => {
      const config = short(preset, 1);
      const blas = await runExperiment(config, { dataset: mnist, preset });
      expect(blas.compute).toBe(`wasm + ${loadOpenBlas().lib!.name}, 1 thread`);
      const wasm = await withWasmKernels(() => runExperiment(config, { dataset: mnist, preset }));
      expect(blas.test!.accuracy).toBeGreaterThan(0.9);
      expect(Math.abs(blas.test!.accuracy - wasm.test!.accuracy)).toBeLessThanOrEqual(0.003);
    });

    it('two replicas: the same seed and threads give the same run, and resuming after epoch 1 gives it exactly', async () => {
      const ds = syntheticDataset(3000, 47, 9);
      const config = withOverrides(findPreset('M1g').config, { hidden: [64, 32], epochs: 3, batchSize: 128, seed: 3, threads: 2, backend: 'wasm', robustness: { ...findPreset('M1g').config.robustness, sigmas: [0] } });
      const checkpoints: TrainingCheckpoint[] = [];
      const first = await runExperiment(config, { dataset: ds, callbacks: { onCheckpoint: (c) => void checkpoints.push(structuredClone(c)) } });
      expect(first.compute).toBe(`wasm + ${loadOpenBlas().lib!.name}, 2 threads`);
      const again = await runExperiment(config, { dataset: ds });
      const resumed = await runExperiment(config, { dataset: ds, resumeFrom: checkpoints[0] });
      const losses = (r: typeof first) => r.history.map((h) => [h.trainLoss, h.valLoss, h.valAccuracy]);
      expect(losses(again)).toEqual(losses(first));
      expect(losses(resumed)).toEqual(losses(first));
      expect(resumed.test!.confusion).toEqual(first.test!.confusion);
      expect(again.test!.crossEntropy).toBe(first.test!.crossEntropy);
    });
  });
});
