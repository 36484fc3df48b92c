// Checkpoints: a run resumed from the checkpoint of epoch k, after a trip through the binary format,
// ends bit for bit where the uninterrupted run ends (same losses every epoch, same final weights), for
// both engines and every kind of training state (Adam moments, momentum velocity, dropout draws,
// BatchNorm statistics, early stopping with its best weights). Damaged or foreign checkpoints are refused.
import { describe, it, expect, beforeAll } from 'vitest';
import { initBackend } from '../../trainer/engine/backend';
import { createModel } from '../../trainer/engine/factory';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides, type RunConfig } from '../../trainer/config/schema';
import type { Dataset } from '../../trainer/data/dataset';
import { splitDataset } from '../../trainer/data/split';
import { trainModel } from '../../trainer/train/loop';
import { CheckpointError, checkpointFingerprint, decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import { packBinaryJson, unpackBinaryJson } from '../../trainer/util/binaryJson';
import { syntheticDataset } from '../../trainer/bench/throughput';
import type { EpochMetrics } from '../../trainer/result';
import type { WeightSnapshot } from '../../trainer/engine/model';

/** The same images in ordinary (not shared) memory: batches are then made on the training thread. */
function unshared(ds: Dataset): Dataset {
  return { ...ds, images: Uint8Array.from(ds.images), labels: Uint8Array.from(ds.labels) };
}

/** What must not depend on the interruption: everything but wall-clock times. */
function trajectory(history: EpochMetrics[]) {
  return history.map(({ epoch, lr, trainLoss, trainAccuracy, valLoss, valAccuracy }) => ({ epoch, lr, trainLoss, trainAccuracy, valLoss, valAccuracy }));
}

async function train(config: RunConfig, ds: Dataset, resumeFrom?: TrainingCheckpoint) {
  const split = splitDataset(ds, config.split, config.seed);
  const fingerprint = checkpointFingerprint(config, ds, split);
  const model = createModel(config, 784, ds.classNames.length);
  const checkpoints: Buffer[] = [];
  try {
    const outcome = await trainModel(model, ds, split, config, { onCheckpoint: (c) => void checkpoints.push(encodeCheckpoint(c)) }, { fingerprint, resumeFrom });
    return { outcome, weights: model.snapshot(), checkpoints };
  } finally {
    model.dispose();
  }
}

function expectSameWeights(a: WeightSnapshot, b: WeightSnapshot) {
  expect(b.names).toEqual(a.names);
  a.values.forEach((v, i) => expect(Buffer.from(b.values[i].buffer, b.values[i].byteOffset, b.values[i].byteLength).equals(Buffer.from(v.buffer, v.byteOffset, v.byteLength)), a.names[i]).toBe(true));
}

describe('training checkpoints', () => {
  let shared: Dataset;
  beforeAll(async () => {
    await initBackend('cpu');
    shared = syntheticDataset(900, 47, 3);
  });

  const cases: { name: string; config: () => RunConfig; data: () => Dataset; resumeAfter: number }[] = [
    {
      name: 'scratch engine, Adam, early stopping (batches from the worker thread)',
      config: () => withOverrides(findPreset('M1g').config, { hidden: [24], epochs: 5, batchSize: 64, seed: 11, backend: 'cpu', earlyStopping: { patience: 50, minDelta: 0 } }),
      data: () => shared,
      resumeAfter: 2,
    },
    {
      name: 'scratch engine, momentum SGD with exponential decay and L2',
      config: () => withOverrides(findPreset('M1d').config, { hidden: [24, 12], epochs: 4, batchSize: 100, seed: 12, backend: 'cpu', lr: 0.05, schedule: { type: 'exponential', gamma: 0.7 } }),
      data: () => shared,
      resumeAfter: 1,
    },
    {
      name: 'layers engine: BatchNorm, SiLU, dropout, AdamW (batches on the training thread)',
      config: () => withOverrides(findPreset('M3b').config, { hidden: [32, 16], epochs: 4, batchSize: 64, seed: 13, backend: 'cpu', earlyStopping: { patience: 50, minDelta: 0 } }),
      data: () => unshared(shared),
      resumeAfter: 3,
    },
  ];

  it.each(cases)('$name: resuming after epoch $resumeAfter gives the uninterrupted run exactly', async ({ config, data, resumeAfter }) => {
    const cfg = config();
    const ds = data();
    const whole = await train(cfg, ds);
    expect(whole.checkpoints).toHaveLength(cfg.epochs);
    const checkpoint = decodeCheckpoint(whole.checkpoints[resumeAfter - 1]);
    expect(checkpoint.history.map((h) => h.epoch)).toEqual(Array.from({ length: resumeAfter }, (_, i) => i + 1));

    const resumed = await train(cfg, ds, checkpoint);
    expect(trajectory(resumed.outcome.history)).toEqual(trajectory(whole.outcome.history));
    expect(resumed.outcome.bestEpoch).toBe(whole.outcome.bestEpoch);
    expectSameWeights(whole.weights, resumed.weights);
    // Only the epochs after the checkpoint were trained again.
    expect(resumed.checkpoints).toHaveLength(cfg.epochs - resumeAfter);
  });

  it('a checkpoint taken when early stopping fired resumes to no more training and the best weights', async () => {
    // Random labels: validation loss rises after the first epochs, so patience 2 stops the run early.
    const cfg = withOverrides(findPreset('M1g').config, { hidden: [48], epochs: 30, batchSize: 32, seed: 14, backend: 'cpu', earlyStopping: { patience: 2, minDelta: 0 } });
    const whole = await train(cfg, shared);
    expect(whole.outcome.stoppedEarly).toBe(true);
    const last = decodeCheckpoint(whole.checkpoints.at(-1)!);
    expect(last.stoppedEarly).toBe(true);
    expect(last.best).not.toBeNull();
    const resumed = await train(cfg, shared, last);
    expect(resumed.checkpoints).toHaveLength(0);
    expect(resumed.outcome).toMatchObject({ stoppedEarly: true, bestEpoch: whole.outcome.bestEpoch, cancelled: false });
    expectSameWeights(whole.weights, resumed.weights);
  });

  it('refuses a checkpoint of another run, naming why', async () => {
    const cfg = withOverrides(findPreset('M1g').config, { hidden: [16], epochs: 2, batchSize: 64, seed: 15, backend: 'cpu' });
    const { checkpoints } = await train(cfg, shared);
    const checkpoint = decodeCheckpoint(checkpoints[0]);
    await expect(train({ ...cfg, seed: 16 }, shared, checkpoint)).rejects.toThrow(/belongs to a different config, dataset or split/);
    await expect(train({ ...cfg, epochs: 1 }, shared, decodeCheckpoint(checkpoints[1]))).rejects.toThrow(CheckpointError);
  });
});

describe('binary checkpoint format', () => {
  it('round-trips JSON with float32 arrays, views included, at 4 bytes a float', () => {
    const big = Float32Array.from({ length: 1000 }, (_, i) => Math.fround(i / 7));
    const value = { a: 1, nested: { weights: [big.subarray(10, 20), new Float32Array([Math.PI, -0, 1e-30])] }, text: 'σ', empty: new Float32Array(0) };
    const packed = packBinaryJson(value, 'TEST', 3);
    const back = unpackBinaryJson<typeof value>(packed, 'TEST', 3, 'test file');
    expect(back.a).toBe(1);
    expect(back.text).toBe('σ');
    expect(Array.from(back.nested.weights[0])).toEqual(Array.from(big.subarray(10, 20)));
    expect(Array.from(back.nested.weights[1])).toEqual([Math.fround(Math.PI), -0, Math.fround(1e-30)]);
    expect(back.empty).toBeInstanceOf(Float32Array);
    expect(back.empty.length).toBe(0);
    expect(packed.length % 4).toBe(0);
    expect(packed.length).toBeLessThan(12 + 200 + 13 * 4 + 4);
  });

  it('refuses damaged, foreign and future files with a message', async () => {
    const packed = packBinaryJson({ w: new Float32Array(8) }, 'TEST', 1);
    expect(() => unpackBinaryJson(packed.subarray(0, packed.length - 4), 'TEST', 1, 'test file')).toThrow(/truncated/);
    expect(() => unpackBinaryJson(packed.subarray(0, packed.length - 1), 'TEST', 1, 'test file')).toThrow(/not a whole number of floats/);
    expect(() => unpackBinaryJson(Buffer.concat([packed, Buffer.alloc(4)]), 'TEST', 1, 'test file')).toThrow(/belong to no array/);
    expect(() => unpackBinaryJson(packed, 'TEST', 2, 'test file')).toThrow(/format version 1; this version of the code reads version 2/);
    expect(() => unpackBinaryJson(Buffer.from('PK\x03\x04 not ours'), 'TEST', 1, 'test file')).toThrow(/not in our format/);
    expect(() => decodeCheckpoint(Buffer.from('garbage'))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(packBinaryJson({ hello: 1 }, 'MLPK', 1))).toThrow(/missing fields/);
  });
});
