// The scratch engine on real EMNIST images: learns far beyond chance, keeps memory flat, restores
// the best weights with early stopping, reloads to identical predictions, and cancels within a batch.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataset } from '../../trainer/data/load';
import type { Dataset } from '../../trainer/data/dataset';
import { withOverrides, DEFAULT_CONFIG } from '../../trainer/config/schema';
import { findPreset } from '../../trainer/config/presets';
import { runExperiment } from '../../trainer/run';
import { initBackend } from '../../trainer/engine/backend';
import { createModel } from '../../trainer/engine/factory';
import { splitDataset } from '../../trainer/data/split';
import { trainModel } from '../../trainer/train/loop';
import { loadModel } from '../../trainer/model/savedModel';
import { predict } from '../../trainer/eval/evaluate';
import { robustnessCurve } from '../../trainer/eval/robustness';
import { deriveSeed } from '../../trainer/util/rng';
import { EMNIST_DIR, hasEmnist, needsEmnist } from '../helpers/emnist';

describe.skipIf(!hasEmnist)(`scratch engine on the EMNIST fixture${needsEmnist}`, () => {
  let ds: Dataset;
  beforeAll(async () => {
    await initBackend('wasm');
    ds = await loadDataset({ kind: 'emnist', dir: EMNIST_DIR!, fixture: 'strat100' }); // 100 images × 47 classes
  });

  it('a small Adam network beats chance (2.1%) by a wide margin in two epochs, with a complete result', async () => {
    const config = withOverrides(findPreset('M1b').config, { hidden: [64], epochs: 2, batchSize: 64, seed: 1 });
    const epochs: number[] = [];
    const r = await runExperiment(config, { dataset: ds, preset: 'M1b', callbacks: { onEpoch: (m) => void epochs.push(m.epoch) } });
    expect(epochs).toEqual([1, 2]);
    expect(r.history[1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    expect(r.test!.accuracy).toBeGreaterThan(0.3);
    expect(r.test!.confusion).toHaveLength(47);
    expect(r.test!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(r.dataset.splitSizes.test);
    expect(r.dataset.splitSizes).toEqual({ train: 3290, val: 470, test: 940 });
    expect(r.robustness.points.map((p) => p.sigma)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(r.robustness.points[0].accuracy).toBeCloseTo(r.test!.accuracy, 12);
    expect(r.robustness.points[5].accuracy).toBeLessThan(r.robustness.points[0].accuracy);
    expect(r).toMatchObject({ backend: 'wasm', engine: 'scratch', seed: 1, parameters: 784 * 64 + 64 + 64 * 47 + 47 });
    expect(r.codeVersion).toMatch(/.+/);
  });

  it('the same seed gives the same losses', async () => {
    const config = withOverrides(DEFAULT_CONFIG, { hidden: [32], optimizer: 'adam', epochs: 1, batchSize: 128, seed: 5 });
    const a = await runExperiment(config, { dataset: ds });
    const b = await runExperiment(config, { dataset: ds });
    expect(a.history[0].trainLoss).toBe(b.history[0].trainLoss);
    expect(a.test!.accuracy).toBe(b.test!.accuracy);
  });

  it('keeps tensor memory flat across epochs', async () => {
    const config = withOverrides(DEFAULT_CONFIG, { hidden: [32, 16], optimizer: 'adam', epochs: 4, batchSize: 256 });
    const model = createModel(config, 784, 47);
    const split = splitDataset(ds, config.split, config.seed);
    const counts: number[] = [];
    await trainModel(model, ds, split, config, { onEpoch: () => void counts.push(tf.memory().numTensors) });
    expect(counts[3]).toBe(counts[1]);
    model.dispose();
  });

  it('early stopping stops after `patience` bad epochs and restores the best weights', async () => {
    // A learning rate this large makes validation loss worsen quickly after the first epochs.
    const config = withOverrides(DEFAULT_CONFIG, { hidden: [32], optimizer: 'adam', lr: 0.05, epochs: 30, batchSize: 64, earlyStopping: { patience: 2, minDelta: 0 } });
    const r = await runExperiment(config, { dataset: ds });
    expect(r.stoppedEarly).toBe(true);
    const best = Math.min(...r.history.map((h) => h.valLoss));
    expect(r.history[r.bestEpoch - 1].valLoss).toBe(best);
    expect(r.history.length).toBe(r.bestEpoch + 2);
    expect(r.validation!.crossEntropy).toBeCloseTo(best, 4); // restored weights reproduce the best epoch
  });

  it('cancel stops within one batch and keeps finished epochs', async () => {
    const config = withOverrides(DEFAULT_CONFIG, { hidden: [16], epochs: 5, batchSize: 64 });
    let batches = 0;
    const r = await runExperiment(config, { dataset: ds, callbacks: { onBatch: () => void batches++, shouldStop: () => batches >= 60 } });
    expect(r.cancelled).toBe(true);
    expect(batches).toBe(60); // 52 batches per epoch: stopped in epoch 2, right after batch 60
    expect(r.history).toHaveLength(1);
    expect(r.test).toBeNull();
  });

  it('a saved model reloads to identical predictions', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'model-')), 'm');
    const config = withOverrides(DEFAULT_CONFIG, { hidden: [24, 12], optimizer: 'adam', epochs: 1, batchSize: 128 });
    const r = await runExperiment(config, { dataset: ds, saveModelDir: dir });
    const { model, manifest } = await loadModel(dir);
    expect(manifest.classNames).toEqual(ds.classNames);
    const split = splitDataset(ds, config.split, config.seed);
    const p = predict(model, ds, split.test);
    let correct = 0;
    p.truth.forEach((t, i) => (correct += t === p.predicted[i] ? 1 : 0));
    expect(correct / p.truth.length).toBe(r.test!.accuracy);
    expect(p.crossEntropySum / p.truth.length).toBeCloseTo(r.test!.crossEntropy, 6);
    // The run measured its own robustness curve (not clipped) and the clipped one from the same noise
    // draw: both equal the curves of the reloaded model, and clipping only changes the noisy points.
    const options = { sigmas: config.robustness.sigmas, seed: deriveSeed(config.seed, 'robustness') };
    expect(r.robustness.clip).toBe(false);
    expect(r.robustness.points).toEqual(robustnessCurve(model, ds, split.test, { ...options, clip: false }));
    expect(r.robustness.other?.clip).toBe(true);
    expect(r.robustness.other?.points).toEqual(robustnessCurve(model, ds, split.test, { ...options, clip: true }));
    expect(r.robustness.other?.points[0]).toEqual(r.robustness.points[0]);
    model.dispose();
  });
});
