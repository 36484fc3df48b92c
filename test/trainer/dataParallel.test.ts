// Data-parallel training (trainer/parallel/) against single-thread training: the same batches in the
// same order, the same optimiser, so N replicas must train what one thread trains, up to float summation
// order — per-step losses, validation, final weights, BatchNorm running statistics, optimiser moments and
// dropout draws — for both engines, with BatchNorm and dropout, with uneven shards, with a last batch
// smaller than the replica count, and with the summed loss (lossReduction 'sum'). A run checkpointed and resumed on N threads ends bit for bit where the
// uninterrupted N-thread run ends; a cancel stops within a step; thread-count defaults.
import { describe, it, expect, beforeAll } from 'vitest';
import { initBackend } from '../../trainer/engine/backend';
import { createModel } from '../../trainer/engine/factory';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides, type RunConfig } from '../../trainer/config/schema';
import type { Dataset } from '../../trainer/data/dataset';
import { splitDataset, type Split } from '../../trainer/data/split';
import { trainModel, type TrainOutcome } from '../../trainer/train/loop';
import { decodeCheckpoint, encodeCheckpoint, checkpointFingerprint, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import { ReplicaPool } from '../../trainer/parallel/replicaPool';
import { resolveThreads, threadsPerWorker } from '../../trainer/parallel/threads';
import { syntheticDataset } from '../../trainer/bench/throughput';
import type { TrainingState, WeightSnapshot } from '../../trainer/engine/model';

interface Trained {
  outcome: TrainOutcome;
  /** Running mean training loss after every step, in order. */
  losses: number[];
  weights: WeightSnapshot;
  training: TrainingState;
  checkpoints: Buffer[];
}

async function train(config: RunConfig, ds: Dataset, split: Split, threads: number, options: { resumeFrom?: TrainingCheckpoint; stopAfter?: number } = {}): Promise<Trained> {
  const model = createModel(config, 784, ds.classNames.length);
  const pool = threads > 1 ? await ReplicaPool.start({ threads, backend: 'cpu', config, dataset: ds, inputSize: 784, classes: ds.classNames.length, trainRows: split.train.length, weights: model.snapshot() }) : null;
  const losses: number[] = [];
  const checkpoints: Buffer[] = [];
  try {
    const outcome = await trainModel(model, ds, split, config, {
      onBatch: (p) => void losses.push(p.loss),
      shouldStop: () => options.stopAfter !== undefined && losses.length >= options.stopAfter,
      onCheckpoint: (c) => void checkpoints.push(encodeCheckpoint(c)),
    }, { fingerprint: checkpointFingerprint(config, ds, split), resumeFrom: options.resumeFrom }, pool);
    return { outcome, losses, weights: model.snapshot(), training: model.trainingState(), checkpoints };
  } finally {
    await pool?.close();
    model.dispose();
  }
}

/** Largest |a − b| / (1 + |a|) over two equally shaped lists of arrays. */
function maxRelativeGap(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  expect(b.length).toBe(a.length);
  let worst = 0;
  a.forEach((x, i) => {
    expect(b[i].length).toBe(x.length);
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - b[i][j]) / (1 + Math.abs(x[j])));
  });
  return worst;
}

function sameBits(a: WeightSnapshot, b: WeightSnapshot): boolean {
  return a.values.every((v, i) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).equals(Buffer.from(b.values[i].buffer, b.values[i].byteOffset, b.values[i].byteLength)));
}

/** A batch size between 40 and 90 whose last batch has 1 or 2 rows: fewer rows than 3 replicas. */
function batchSizeWithTinyLastBatch(trainRows: number): number {
  for (let b = 40; b <= 90; b++) if (trainRows % b === 1 || trainRows % b === 2) return b;
  throw new Error(`no batch size leaves a tiny last batch of ${trainRows} rows`);
}

describe('data-parallel training equals single-thread training', () => {
  let ds: Dataset;
  beforeAll(async () => {
    await initBackend('cpu');
    ds = syntheticDataset(900, 47, 5);
  });

  const cases: { name: string; config: (trainRows: number) => RunConfig }[] = [
    {
      name: 'scratch engine, Adam, L2',
      config: (rows) => withOverrides(findPreset('M1c').config, { hidden: [32, 16], epochs: 2, batchSize: batchSizeWithTinyLastBatch(rows), seed: 31, backend: 'cpu' }),
    },
    {
      name: 'layers engine, BatchNorm + dropout + SiLU, AdamW (M3b)',
      config: (rows) => withOverrides(findPreset('M3b').config, { hidden: [32, 16], epochs: 2, batchSize: batchSizeWithTinyLastBatch(rows), seed: 32, backend: 'cpu' }),
    },
    {
      name: 'layers engine, dropout + GELU, momentum SGD with coupled weight decay and L2',
      config: (rows) => withOverrides(findPreset('M3a').config, { hidden: [24, 16], epochs: 2, batchSize: batchSizeWithTinyLastBatch(rows), seed: 33, backend: 'cpu', optimizer: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0.01, weightDecayMode: 'coupled', l2: 0.001 }),
    },
    {
      // Shards divide their CE by 1 instead of the batch's rows: the summed gradient is the batch's sum.
      name: 'scratch engine, plain SGD, summed loss (lossReduction sum, M0)',
      config: (rows) => withOverrides(findPreset('M0').config, { hidden: [32, 16], epochs: 2, batchSize: batchSizeWithTinyLastBatch(rows), seed: 36, backend: 'cpu', lossReduction: 'sum', lr: 0.0005 }),
    },
    {
      name: 'layers engine, BatchNorm + dropout, summed loss (lossReduction sum, M3b)',
      config: (rows) => withOverrides(findPreset('M3b').config, { hidden: [24, 16], epochs: 2, batchSize: batchSizeWithTinyLastBatch(rows), seed: 37, backend: 'cpu', lossReduction: 'sum' }),
    },
  ];

  /**
   * A Dense bias feeding BatchNorm, and that BatchNorm's running mean, lie in a null direction: BN removes
   * any constant shift, so the bias's true gradient is 0 and what arrives is float rounding noise, which
   * Adam normalises into steps of about ±lr. Two summation orders give two noise streams, so these drift
   * apart by at most the optimiser's step size per step; they do not change what the network computes.
   */
  const nullDirection = (name: string, config: RunConfig) => config.batchNorm && (/^batch_norm_\d+\/moving_mean$/.test(name) || (/^dense_(\d+)\/bias$/.test(name) && Number(name.split(/[_/]/)[1]) < config.hidden.length));

  it.each(cases)('$name: 2 and 3 threads (uneven shards, idle replicas on the last batch)', async ({ config: make }) => {
    const split = splitDataset(ds, withOverrides(findPreset('M0').config, {}).split, 7);
    const config = make(split.train.length);
    const one = await train(config, ds, split, 1);
    const steps = one.losses.length;
    for (const threads of [2, 3]) {
      const many = await train(config, ds, split, threads);
      expect(many.losses.length).toBe(steps);
      expect(maxRelativeGap([one.losses], [many.losses])).toBeLessThan(1e-6); // every step's loss
      expect(maxRelativeGap([one.outcome.history.map((h) => h.valLoss)], [many.outcome.history.map((h) => h.valLoss)])).toBeLessThan(1e-4);
      expect(many.outcome.history.map((h) => h.valAccuracy)).toEqual(one.outcome.history.map((h) => h.valAccuracy));
      expect(many.weights.names).toEqual(one.weights.names); // BatchNorm running statistics included
      one.weights.names.forEach((name, i) => {
        const gap = maxRelativeGap([one.weights.values[i]], [many.weights.values[i]]);
        if (nullDirection(name, config)) expect(gap, name).toBeLessThan(2 * config.lr * steps);
        else expect(gap, `${name} on ${threads} threads`).toBeLessThan(1e-6);
      });
      // Optimiser moments of the variables that carry signal (trainables are the snapshot minus running statistics).
      const trainable = one.weights.names.filter((n) => !/moving_/.test(n));
      for (const [buffer, values] of Object.entries(one.training.optimizer.buffers)) {
        values.forEach((v, i) => {
          if (!nullDirection(trainable[i], config)) expect(maxRelativeGap([v], [many.training.optimizer.buffers[buffer][i]]), `${buffer} of ${trainable[i]}`).toBeLessThan(1e-5);
        });
      }
      expect(many.training.dropoutDraws).toEqual(one.training.dropoutDraws);
      expect(many.training.optimizer.step).toBe(one.training.optimizer.step);
    }
  });

  it('a run checkpointed and resumed on 2 threads ends bit for bit where the uninterrupted 2-thread run ends', async () => {
    const config = withOverrides(findPreset('M3b').config, { hidden: [24, 12], epochs: 3, batchSize: 64, seed: 34, backend: 'cpu', earlyStopping: { patience: 50, minDelta: 0 } });
    const split = splitDataset(ds, config.split, config.seed);
    const whole = await train(config, ds, split, 2);
    const resumed = await train(config, ds, split, 2, { resumeFrom: decodeCheckpoint(whole.checkpoints[0]) });
    expect(resumed.outcome.history.map((h) => [h.trainLoss, h.valLoss])).toEqual(whole.outcome.history.map((h) => [h.trainLoss, h.valLoss]));
    expect(sameBits(whole.weights, resumed.weights)).toBe(true);
    expect(resumed.training.dropoutDraws).toEqual(whole.training.dropoutDraws);
    for (const [buffer, values] of Object.entries(whole.training.optimizer.buffers)) {
      values.forEach((v, i) => expect(Buffer.from(resumed.training.optimizer.buffers[buffer][i].buffer).equals(Buffer.from(v.buffer)), `${buffer}[${i}]`).toBe(true));
    }
  });

  it('a cancel stops the replicas within a step and keeps only finished epochs', async () => {
    const config = withOverrides(findPreset('M1b').config, { hidden: [16], epochs: 3, batchSize: 32, seed: 35, backend: 'cpu' });
    const split = splitDataset(ds, config.split, config.seed);
    const batchesPerEpoch = Math.ceil(split.train.length / config.batchSize);
    const r = await train(config, ds, split, 2, { stopAfter: batchesPerEpoch + 3 });
    expect(r.outcome.cancelled).toBe(true);
    expect(r.losses).toHaveLength(batchesPerEpoch + 3); // no step reported after the one that asked to stop
    expect(r.outcome.history).toHaveLength(1);
  });
});

describe('a replica that dies', () => {
  it('fails the epoch with a message instead of leaving the others waiting at a barrier', async () => {
    await initBackend('cpu');
    const ds = syntheticDataset(600, 47, 6);
    const config = withOverrides(findPreset('M1b').config, { hidden: [16], batchSize: 32, backend: 'cpu' });
    const model = createModel(config, 784, 47);
    const pool = await ReplicaPool.start({ threads: 2, backend: 'cpu', config, dataset: ds, inputSize: 784, classes: 47, trainRows: ds.count, weights: model.snapshot() });
    let steps = 0;
    try {
      const epoch = pool.trainEpoch(Uint32Array.from({ length: ds.count }, (_, i) => i), 32, 1e-3, () => {
        // Kill replica 1 (as an out-of-memory kill would) while replica 0 is already in the next step.
        if (++steps === 2) void (pool as unknown as { replicas: { worker: { terminate(): Promise<number> } }[] }).replicas[1].worker.terminate();
        return true;
      });
      await expect(epoch).rejects.toThrow(/training replica (exited|crashed|failed)/);
      expect(steps).toBeLessThan(Math.ceil(ds.count / 32));
    } finally {
      await pool.close();
      model.dispose();
    }
  });
});

describe('thread counts', () => {
  it('a worker gets ⌊cores / workers⌋ threads, at least one; a run may ask for its own count', () => {
    expect(threadsPerWorker(1, 16)).toBe(16);
    expect(threadsPerWorker(3, 16)).toBe(5);
    expect(threadsPerWorker(4, 2)).toBe(1);
    expect(() => threadsPerWorker(0, 8)).toThrow(/positive integer/);
    expect(resolveThreads(0, 'wasm', 5)).toBe(5);
    expect(resolveThreads(3, 'wasm', 5)).toBe(3);
    expect(resolveThreads(0, 'tensorflow', 5)).toBe(1); // native TensorFlow threads itself
    // The default leaves each replica at least 32 rows of a batch; an explicit count is taken as given.
    expect(resolveThreads(0, 'wasm', 16, 512)).toBe(16);
    expect(resolveThreads(0, 'wasm', 16, 128)).toBe(4);
    expect(resolveThreads(0, 'wasm', 2, 32)).toBe(1);
    expect(resolveThreads(2, 'wasm', 2, 32)).toBe(2);
  });
});
