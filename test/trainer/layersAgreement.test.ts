// The study's M1g vs M2 validation, done properly on a small network: from the same initial weights and
// the same batches, one epoch of M1g (Adam η=0.001) on the scratch engine (hand-written backprop) and on
// the layers engine (tf.layers + autograd) gives the same loss at every step, within float tolerance.
// On real EMNIST images (the first1000 fixture) when EMNIST_DIR is set, else on seeded synthetic images.
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../trainer/engine/backend';
import { createModel } from '../../trainer/engine/factory';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { BatchStream } from '../../trainer/data/batches';
import { loadDataset } from '../../trainer/data/load';
import type { Dataset } from '../../trainer/data/dataset';
import { splitDataset } from '../../trainer/data/split';
import { trainModel } from '../../trainer/train/loop';
import { mulberry32 } from '../../trainer/util/rng';
import { EMNIST_DIR, hasEmnist } from '../helpers/emnist';

async function data(): Promise<Dataset> {
  if (hasEmnist) return loadDataset({ kind: 'emnist', dir: EMNIST_DIR!, fixture: 'first1000' });
  const rng = mulberry32(17);
  const count = 600;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 47);
  // Each class lights its own band of pixels, plus noise: learnable, deterministic.
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(rng() * 60) + (Math.floor(p / 16) % 47 === labels[i] ? 180 : 0);
  }
  return { name: 'synthetic', images, labels, count, rows: 28, cols: 28, classNames: Array.from({ length: 47 }, (_, i) => String(i)), transposed: false, sources: [{ file: 'synthetic', role: 'test', start: 0, count }] };
}

function relativeGap(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe.each(['wasm', 'cpu'] as const)(`scratch and layers engines agree step by step on %s${hasEmnist ? ' (EMNIST first1000)' : ' (synthetic data)'}`, (backend) => {
  it('one epoch of M1g on [32, 16] from the same initial weights and batches: equal losses at every step', async () => {
    await initBackend(backend);
    const ds = await data();
    const config = withOverrides(findPreset('M1g').config, { hidden: [32, 16], batchSize: 32, backend });
    const scratch = createModel(config, 784, ds.classNames.length);
    const layers = createModel({ ...config, engine: 'layers' }, 784, ds.classNames.length);
    expect(layers.snapshot()).toEqual(scratch.snapshot()); // same names, shapes and He-initial values

    const indices = Uint32Array.from({ length: Math.min(ds.count, 600) }, (_, i) => i);
    const stream = new BatchStream(ds, indices, config.batchSize, { shuffleSeed: config.seed });
    const losses: [number, number][] = [];
    let worst = 0;
    let correctDiff = 0;
    for (const { x, labels } of stream.epoch()) {
      const a = scratch.trainStep(x, labels, config.lr);
      const b = layers.trainStep(x, labels, config.lr);
      x.dispose();
      losses.push([a.loss, b.loss]);
      worst = Math.max(worst, relativeGap(b.loss, a.loss));
      correctDiff += Math.abs(a.correct - b.correct);
    }
    expect(losses.length).toBe(Math.ceil(indices.length / config.batchSize));
    expect(worst).toBeLessThan(1e-5);
    expect(correctDiff).toBeLessThanOrEqual(1); // an arg-max tie at float precision at most
    // The loss fell, so the comparison covers real learning, not a stalled start.
    expect(losses[losses.length - 1][0]).toBeLessThan(losses[0][0]);
    // And the weights after the epoch are the same to float precision.
    const sa = scratch.snapshot();
    const sb = layers.snapshot();
    let weightGap = 0;
    sa.values.forEach((v, i) => v.forEach((w, k) => (weightGap = Math.max(weightGap, Math.abs(w - sb.values[i][k])))));
    expect(weightGap).toBeLessThan(1e-4);
    scratch.dispose();
    layers.dispose();
  });

  it('through the shared loop (early stopping, validation): the same epoch history', async () => {
    await initBackend(backend);
    const ds = await data();
    const config = withOverrides(findPreset('M1g').config, { hidden: [32, 16], batchSize: 64, epochs: 2, backend, split: { mode: 'stratified', train: 0.7, val: 0.15, test: 0.15 } });
    const split = splitDataset(ds, config.split, config.seed);
    const histories = [];
    for (const engine of ['scratch', 'layers'] as const) {
      const model = createModel({ ...config, engine }, 784, ds.classNames.length);
      histories.push((await trainModel(model, ds, split, { ...config, engine })).history);
      model.dispose();
    }
    const [h1, h2] = histories;
    expect(h2.length).toBe(h1.length);
    h1.forEach((e, i) => {
      expect(relativeGap(h2[i].trainLoss, e.trainLoss)).toBeLessThan(1e-5);
      expect(relativeGap(h2[i].valLoss, e.valLoss)).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBeLessThan(100);
  });
});
