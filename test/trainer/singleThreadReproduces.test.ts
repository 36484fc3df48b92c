// `--threads 1` reproduces the trainer as it was before data-parallel training and the evaluation
// rewrite, bit for bit: the figures below were produced by the previous implementation (commit 2d31e2b,
// `runExperiment` on the cpu backend, this seeded synthetic dataset) and are compared with ===. They cover
// training (every epoch's losses and accuracies, both engines, BatchNorm, dropout, early stopping with
// best-weight restore) and evaluation (train/val/test figures, macro F1, the robustness curve).
import { describe, it, expect, beforeAll } from 'vitest';
import { runExperiment } from '../../trainer/run';
import { initBackend } from '../../trainer/engine/backend';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides, type RunConfig } from '../../trainer/config/schema';
import type { Dataset } from '../../trainer/data/dataset';
import { syntheticDataset } from '../../trainer/bench/throughput';

const BEFORE = {
  scratch: {"history": [[3.866683872772266, 0.02912621359223301, 3.8908834254488034, 0.031914893617021274], [3.7506611864157864, 0.06796116504854369, 3.8887101843001997, 0.010638297872340425]], "train": {"accuracy": 0.10841423948220065, "crossEntropy": 3.690140511225728}, "validation": {"accuracy": 0.010638297872340425, "crossEntropy": 3.8887101843001997}, "test": [0.015957446808510637, 3.8767726167719414, 0.009881962009621582], "robustness": [0.015957446808510637, 0.010638297872340425, 0.026595744680851064, 0.03723404255319149, 0.026595744680851064, 0.026595744680851064]},
  layers: {"history": [[4.213780129225895, 0.025889967637540454, 3.8461024507563164, 0.031914893617021274], [4.098422457870928, 0.025889967637540454, 3.8793964791805187, 0.02127659574468085]], "train": {"accuracy": 0.030744336569579287, "crossEntropy": 3.8403746966019416}, "validation": {"accuracy": 0.031914893617021274, "crossEntropy": 3.8461024507563164}, "test": [0.026595744680851064, 3.8655684450839427, 0.015318682152224077], "robustness": [0.026595744680851064, 0.010638297872340425, 0.010638297872340425, 0.005319148936170213, 0.010638297872340425, 0.015957446808510637]},
};

describe('one thread reproduces the previous trainer exactly', () => {
  let ds: Dataset;
  beforeAll(async () => {
    await initBackend('cpu');
    ds = syntheticDataset(900, 47, 3);
  });

  const configs: Record<keyof typeof BEFORE, () => RunConfig> = {
    // The batch-mean form: the reference figures above were recorded before M1c summed its batch loss (issue 25).
    scratch: () => withOverrides(findPreset('M1c · batch mean').config, { hidden: [24], epochs: 2, batchSize: 64, seed: 21, backend: 'cpu', threads: 1 }),
    layers: () => withOverrides(findPreset('M3b').config, { hidden: [16, 8], epochs: 2, batchSize: 64, seed: 22, backend: 'cpu', earlyStopping: { patience: 5, minDelta: 0 }, threads: 1 }),
  };

  it.each(Object.keys(configs) as (keyof typeof BEFORE)[])('%s engine', async (engine) => {
    const r = await runExperiment(configs[engine](), { dataset: ds });
    expect(r.threads).toBe(1);
    expect({
      history: r.history.map((h) => [h.trainLoss, h.trainAccuracy, h.valLoss, h.valAccuracy]),
      train: r.train,
      validation: r.validation,
      test: [r.test!.accuracy, r.test!.crossEntropy, r.test!.macroF1],
      robustness: r.robustness.points.map((p) => p.accuracy),
    }).toEqual(BEFORE[engine]);
  });
});
