// Per-epoch validation confusion matrices (trainer/train/loop.ts) on one thread and on two data-parallel
// replicas: each sums to the validation size and agrees with the epoch's validation accuracy, and the
// last epoch's equals a fresh evaluation of the final weights (saved, reloaded) on the validation split.
// The run also reports its evaluation phases with progress ("evaluating test set", "robustness σ 0.2 (2 of 3)").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { loadMnistPackage } from '../../trainer/data/mnistPackage';
import { splitDataset } from '../../trainer/data/split';
import { initBackend } from '../../trainer/engine/backend';
import { evaluate } from '../../trainer/eval/evaluate';
import { loadModel } from '../../trainer/model/savedModel';
import { runExperiment, type PhaseProgress } from '../../trainer/run';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'epoch-confusion-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('cpu');
});

describe('per-epoch validation confusion', () => {
  it.each([1, 2])('on %i thread(s): sums to the validation size; the last equals the final weights evaluated afresh', async (threads) => {
    const ds = loadMnistPackage();
    const config = withOverrides(findPreset('M1b').config, { hidden: [16], epochs: 3, batchSize: 128, seed: 5, backend: 'cpu', threads, robustness: { sigmas: [0, 0.2, 0.4], clip: true } });
    const confusions: number[][][] = [];
    const accuracies: number[] = [];
    const progress: PhaseProgress[] = [];
    const dir = path.join(tmp, `model-${threads}`);
    const result = await runExperiment(config, {
      dataset: ds,
      saveModelDir: dir,
      callbacks: {
        onEpoch: (m, details) => {
          confusions.push(details.valConfusion);
          accuracies.push(m.valAccuracy);
        },
        onPhaseProgress: (p) => progress.push(p),
      },
    });
    expect(result.threads).toBe(threads);
    const split = splitDataset(ds, config.split, config.seed);
    expect(confusions).toHaveLength(3);
    for (const [e, c] of confusions.entries()) {
      expect(c).toHaveLength(10);
      expect(c.flat().reduce((a, b) => a + b, 0)).toBe(split.val.length);
      expect(c.reduce((s, row, i) => s + row[i], 0) / split.val.length).toBe(accuracies[e]);
      // Each row sums to that class's validation examples.
      c.forEach((row, k) => expect(row.reduce((a, b) => a + b, 0)).toBe(split.val.filter((i) => ds.labels[i] === k).length));
    }
    expect(confusions[0]).not.toEqual(confusions[2]); // training changed the predictions
    const { model } = await loadModel(dir);
    expect(evaluate(model, ds, split.val).confusion).toEqual(confusions[2]);
    model.dispose();

    // Phases with progress, in order, each ending at its total.
    const labels = [...new Set(progress.map((p) => p.label))];
    // The config's robustness protocol, then the other one from the same noise draw.
    expect(labels).toEqual(['evaluating training set', 'evaluating test set', 'robustness σ 0.2 (2 of 3)', 'robustness σ 0.4 (3 of 3)', 'robustness σ 0.2 (2 of 3), unclipped', 'robustness σ 0.4 (3 of 3), unclipped']);
    for (const label of labels) {
      const mine = progress.filter((p) => p.label === label);
      expect(mine.every((p, i) => i === 0 || p.done > mine[i - 1].done)).toBe(true);
    }
    const last = progress.at(-1)!;
    expect([last.phase, last.done, last.total]).toEqual(['robustness', 2 * split.test.length, 2 * split.test.length]);
  });
});
