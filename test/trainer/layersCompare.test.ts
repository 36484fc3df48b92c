// `npm run compare`: the side-by-side table, the refusal of configs the scratch engine cannot run, and
// (with EMNIST_DIR) a one-epoch end-to-end run on the strat100 fixture.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { comparisonTable } from '../../trainer/cli/compare';
import { findPreset } from '../../trainer/config/presets';
import type { RunResult } from '../../trainer/result';
import { EMNIST_DIR, hasEmnist, needsEmnist } from '../helpers/emnist';

const run = promisify(execFile);
// `node --import tsx` in one process rather than the tsx command's signal-relaying parent.
const node = process.execPath;

function fakeResult(engine: 'scratch' | 'layers', testAccuracy: number, epochSeconds: number): RunResult {
  return {
    config: { ...findPreset('M1g').config, engine },
    preset: 'M1g',
    engine,
    backend: 'wasm',
    codeVersion: 'test',
    seed: 42,
    dataset: { name: 'emnist-bymerge', classNames: Array.from({ length: 47 }, (_, i) => String(i)), imageSize: { rows: 28, cols: 28 }, splitSizes: { train: 81426, val: 11632, test: 23265 }, sources: [] },
    parameters: 444847,
    history: Array.from({ length: 12 }, (_, i) => ({ epoch: i + 1, lr: 1e-3, trainLoss: 1, trainAccuracy: 0.8, valLoss: 1, valAccuracy: 0.8, seconds: epochSeconds, samplesPerSecond: 5000 })),
    bestEpoch: 7,
    stoppedEarly: true,
    cancelled: false,
    train: { accuracy: 0.93, crossEntropy: 0.2 },
    validation: { accuracy: 0.89, crossEntropy: 0.33 },
    test: { count: 23265, accuracy: testAccuracy, macroF1: 0.8, crossEntropy: 0.34, perClass: [], confusion: [] },
    robustness: { clip: false, points: [{ sigma: 0, accuracy: testAccuracy }, { sigma: 0.3, accuracy: 0.7 }] },
    timings: { totalSeconds: 200, trainSeconds: 180, evalSeconds: 20, meanEpochSeconds: epochSeconds, samplesPerSecond: 5000 },
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:03:20Z',
  };
}

describe('compare table', () => {
  it('shows both engines side by side with differences and the agreement verdict', () => {
    const table = comparisonTable(fakeResult('scratch', 0.8912, 15), fakeResult('layers', 0.8931, 18), 'M1g');
    expect(table).toMatch(/M1g on both engines: emnist-bymerge, train 81,426 \/ val 11,632 \/ test 23,265, 784-400-240-120-47, seed 42/);
    expect(table).toMatch(/test accuracy\s+89\.12%\s+89\.31%\s+\+0\.19 pts/);
    expect(table).toMatch(/robustness σ=0\.3\s+70\.00%\s+70\.00%/);
    expect(table).toMatch(/time per epoch\s+15\.0s\s+18\.0s\s+×1\.20/);
    expect(table).toMatch(/test accuracy differs by 0\.19 points: the engines agree \(bar < 0\.5\)/);
    expect(comparisonTable(fakeResult('scratch', 0.89, 15), fakeResult('layers', 0.88, 15), 'M1g')).toMatch(/differs by 1\.00 points: the engines DISAGREE/);
  });

  it('refuses a config the scratch engine cannot run, naming why', async () => {
    const err = await run(node, ['--import', 'tsx', 'trainer/cli/compare.ts', '--preset', 'M3a', '--data', '/nonexistent']).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toMatch(/M3a cannot run on both engines: .*activation: the scratch engine supports only relu/);
  });
});

describe.skipIf(!hasEmnist)(`compare end to end${needsEmnist}`, () => {
  it('trains M1g (small) on both engines on the strat100 fixture and agrees', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'compare-'));
    try {
      const out = path.join(dir, 'both.json');
      const { stdout } = await run(node, ['--import', 'tsx', 'trainer/cli/compare.ts', '--preset', 'M1g', '--fixture', 'strat100', '--epochs', '2', '--hidden', '32', '--backend', 'wasm', '--out', out], { env: { ...process.env, EMNIST_DIR: EMNIST_DIR! } });
      expect(stdout).toMatch(/M1g on both engines: emnist-bymerge-strat100/);
      expect(stdout).toMatch(/the engines agree/);
      const both = JSON.parse(await readFile(out, 'utf8')) as { scratch: RunResult; layers: RunResult };
      expect(both.scratch.engine).toBe('scratch');
      expect(both.layers.engine).toBe('layers');
      both.scratch.history.forEach((h, i) => expect(Math.abs(h.trainLoss - both.layers.history[i].trainLoss)).toBeLessThan(1e-4));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
