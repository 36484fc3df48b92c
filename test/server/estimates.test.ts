/**
 * The pure parts behind groups and the report, against hand calculations: the queue simulation, run
 * time estimates and the throughput tiers, a group's progress weighting, and config identity (which
 * fields count, dotted paths for nested fields, a schedule of another kind named whole).
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { changedFields, configHash, configIdentity, presetLabel } from '../../server/runs/configIdentity';
import { epochsDone, networkKey, RUN_OVERHEAD_SECONDS, secondsFor, ThroughputModel } from '../../server/runs/estimates';
import { simulateQueue } from '../../server/runs/queueSchedule';

describe('the queue simulation', () => {
  it('gives held runs their remaining time and hands queued runs to the worker that frees up first', () => {
    const r = simulateQueue(
      [
        { id: 'held', held: true, remainingSeconds: 10 },
        { id: 'a', held: false, remainingSeconds: 4 },
        { id: 'b', held: false, remainingSeconds: 3 },
        { id: 'c', held: false, remainingSeconds: 5 },
      ],
      2,
    )!;
    // Worker 1 is busy until 10; worker 2 takes a (0→4), then b (4→7), then c goes to worker 2 again (7→12).
    expect(Object.fromEntries(r.finishes)).toEqual({ held: 10, a: 4, b: 7, c: 12 });
    expect(r.drain).toBe(12);
    expect(simulateQueue([{ id: 'a', held: false, remainingSeconds: 4 }], 0)).toBeNull();
  });
});

describe('run time estimates', () => {
  const config = withOverrides(findPreset('M0').config, { epochs: 3 });
  const shape = { config, parameters: 111_791, trainingSamples: 10_000, testSamples: 2_000 };

  it('are epochs × training images / speed (+5% validation) plus one test pass per noise level at 3× the speed (+ start-up)', () => {
    expect(secondsFor(shape, 5_000, 3)).toBeCloseTo((3 * 10_000 * 1.05) / 5_000 + (6 * 2_000) / (3 * 5_000), 12);
    expect(secondsFor(shape, 5_000, 1, { evaluation: false })).toBeCloseTo((10_000 * 1.05) / 5_000, 12);
    expect(secondsFor(shape, 5_000, 1, { evaluation: false, startup: true })).toBeCloseTo((10_000 * 1.05) / 5_000 + RUN_OVERHEAD_SECONDS, 12);
  });

  it('count the epoch in progress by its batches while training, and every epoch once evaluating', () => {
    const p = (phase: string | null, epoch: number, batch = 0, batches = 0) => ({ phase, epoch, batch, batches, samplesPerSecond: null });
    expect(epochsDone(p('training', 3, 5, 20), 10)).toBe(2.25); // epoch 3 a quarter done
    expect(epochsDone(p('waiting for a worker', 4), 10)).toBe(4); // its checkpoint's finished epochs
    expect(epochsDone(p('loading', 0), 10)).toBe(0);
    expect(epochsDone(p('robustness', 10, 80, 80), 10)).toBe(10);
    expect(epochsDone(null, 10)).toBe(0);
  });

  it('use the same network on the current backend, else parameters × samples/s of the engine, else a default', () => {
    const other = withOverrides(findPreset('M1g').config, {});
    const samples = [
      { engine: 'scratch', backend: 'wasm', parameters: 111_791, samplesPerSecond: 20_000, network: networkKey(config) },
      { engine: 'scratch', backend: 'wasm', parameters: 111_791, samplesPerSecond: 30_000, network: networkKey(config) },
      { engine: 'scratch', backend: 'cpu', parameters: 111_791, samplesPerSecond: 1_000, network: networkKey(config) },
    ];
    const model = new ThroughputModel(samples, 'wasm');
    expect(model.speed(config, 111_791)).toEqual({ samplesPerSecond: 25_000, source: 'measured', backend: 'wasm' });
    // M1g was never measured: scaled by parameters from the scratch runs on wasm (median 25,000 × 111,791).
    expect(model.speed(other, 444_847)).toEqual({ samplesPerSecond: (25_000 * 111_791) / 444_847, source: 'scaled', backend: 'wasm' });
    expect(model.speed(withOverrides(findPreset('M2').config, {}), 444_847).source).toBe('default');
    expect(new ThroughputModel([], null).speed(config, 111_791)).toEqual({ samplesPerSecond: 4.5e9 / 111_791, source: 'default', backend: null });
  });
});

describe('config identity', () => {
  const m0 = findPreset('M0').config;

  it('ignores seed, threads and backend; counts everything else', () => {
    expect(configHash(withOverrides(m0, { seed: 9, threads: 2, backend: 'cpu' }))).toBe(configHash(m0));
    expect(configHash(withOverrides(m0, { lossReduction: 'mean' }))).not.toBe(configHash(m0));
    expect(configHash(withOverrides(m0, { split: { mode: 'stratified', train: 0.8, val: 0.1, test: 0.1 } }))).not.toBe(configHash(m0));
  });

  it('names nested fields by path, and a schedule of another kind as a whole', () => {
    expect(changedFields(withOverrides(m0, { hidden: [16], epochs: 1, seed: 3 }), m0)).toEqual(['hidden', 'epochs']);
    expect(changedFields(withOverrides(m0, { robustness: { sigmas: [0, 0.1, 0.2, 0.3, 0.4, 0.5], clip: true } }), m0)).toEqual(['robustness.clip']);
    const m1f = findPreset('M1f').config;
    expect(changedFields(withOverrides(m1f, { schedule: { type: 'exponential', gamma: 0.9 } }), m1f)).toEqual(['schedule.gamma']);
    expect(changedFields(withOverrides(m1f, { schedule: { type: 'constant' } }), m1f)).toEqual(['schedule']);
    expect(changedFields(withOverrides(m0, { earlyStopping: { patience: 3, minDelta: 0 } }), m0)).toEqual(['earlyStopping']);
  });

  it('labels runs the way every page shows a preset', () => {
    expect(configIdentity(m0, 'M0')).toMatchObject({ presetExact: true, presetChanges: [] });
    expect(configIdentity(withOverrides(m0, { hidden: [16] }), 'M0')).toMatchObject({ presetExact: false, presetChanges: ['hidden'] });
    expect(configIdentity(m0, null)).toMatchObject({ presetExact: null, presetChanges: [] });
    expect(presetLabel({ preset: 'M0', presetExact: false, presetChanges: ['hidden', 'epochs'] })).toBe('M0 (modified: hidden, epochs)');
    expect(presetLabel({ preset: 'M0', presetExact: true, presetChanges: [] })).toBe('M0');
    expect(presetLabel({ preset: null })).toBeNull();
  });

  it('compares a run with the form of its row its loss reduction follows (issue 25)', () => {
    // The batch mean is M0's variant, exact; with another change too, a modified variant.
    expect(configIdentity(withOverrides(m0, { lossReduction: 'mean' }), 'M0')).toMatchObject({ presetExact: true, presetChanges: [], presetVariant: 'batch mean' });
    expect(configIdentity(withOverrides(m0, { lossReduction: 'mean', epochs: 5 }), 'M0')).toMatchObject({ presetExact: false, presetChanges: ['epochs'], presetVariant: 'batch mean' });
    expect(configIdentity(m0, 'M0')).toMatchObject({ presetVariant: null });
    // The framework rows have one form: a summed M2 is M2 modified.
    expect(configIdentity(withOverrides(findPreset('M2').config, { lossReduction: 'sum' }), 'M2')).toMatchObject({ presetExact: false, presetChanges: ['lossReduction'], presetVariant: null });
    expect(presetLabel({ preset: 'M1c', presetExact: true, presetChanges: [], presetVariant: 'batch mean' })).toBe('M1c · batch mean');
    expect(presetLabel({ preset: 'M1c', presetExact: false, presetChanges: ['epochs'], presetVariant: 'batch mean' })).toBe('M1c · batch mean (modified: epochs)');
  });
});
