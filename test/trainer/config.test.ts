// The config schema refuses bad values naming the field; presets carry the study's parameter counts.
import { describe, it, expect } from 'vitest';
import { checkConfig, DEFAULT_CONFIG, validateConfig, withOverrides } from '../../trainer/config/schema';
import { ALL_PRESETS, BATCH_MEAN_PRESETS, countParameters, findPreset, presetFormFor, PRESETS } from '../../trainer/config/presets';
import { changedFields } from '../../trainer/config/presetDiff';

const issuesFor = (overrides: Record<string, unknown>) => {
  const r = checkConfig({ ...DEFAULT_CONFIG, ...overrides });
  return r.ok ? [] : r.issues;
};

describe('run config validation', () => {
  it('accepts the defaults', () => {
    expect(validateConfig(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
  });

  it.each([
    [{ lr: -0.1 }, 'lr', /greater than 0/],
    [{ hidden: [] }, 'hidden', /at least one hidden layer/],
    [{ activation: 'tanh' }, 'activation', /relu|gelu|silu/],
    [{ batchSize: 0 }, 'batchSize', /.+/],
    [{ hidden: [128, -4] }, 'hidden.1', /.+/],
    [{ momentum: 1.5 }, 'momentum', /.+/],
    [{ split: { mode: 'stratified', train: 0.7, val: 0.2, test: 0.2 } }, 'split', /must be 1/],
    [{ activation: 'gelu' }, 'activation', /scratch engine supports only relu/],
    [{ color: 'red' }, '(config)', /unknown field\(s\) color/],
  ])('refuses %j naming the field', (overrides, field, message) => {
    const issues = issuesFor(overrides);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].field).toBe(field);
    expect(issues[0].message).toMatch(message);
  });

  it('throws one error listing every bad field', () => {
    expect(() => validateConfig({ ...DEFAULT_CONFIG, lr: 0, epochs: 0 })).toThrow(/Invalid run config: lr: must be greater than 0; epochs: /);
  });

  it('overrides merge into nested objects and switch union members', () => {
    const c = withOverrides(DEFAULT_CONFIG, { schedule: { type: 'exponential', gamma: 0.9 }, robustness: { clip: true } });
    expect(c.schedule).toEqual({ type: 'exponential', gamma: 0.9 });
    expect(c.robustness).toEqual({ sigmas: [0, 0.1, 0.2, 0.3, 0.4, 0.5], clip: true });
  });
});

describe('presets', () => {
  it('carry the study parameter counts', () => {
    const params = (name: string) => countParameters(784, findPreset(name).config.hidden, 47);
    expect(params('M0')).toBe(111_791);
    expect(params('M1g')).toBe(444_847);
    expect(params('M1h')).toBe(445_157);
  });

  it('M0–M1h are the study configurations', () => {
    expect(PRESETS.slice(0, 9).map((p) => p.name)).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h']);
    const m0 = findPreset('M0').config;
    expect(m0).toMatchObject({ optimizer: 'sgd', lr: 0.001, momentum: 0, batchSize: 512, epochs: 50, l2: 0, earlyStopping: null });
    expect(findPreset('M1a').config).toMatchObject({ momentum: 0.9, earlyStopping: { patience: 5 } });
    expect(findPreset('M1c').config).toMatchObject({ optimizer: 'adam', l2: 0.01 });
    expect(findPreset('M1d').config).toMatchObject({ optimizer: 'sgd', momentum: 0.9, l2: 0.01 });
    expect(findPreset('M1e').config.schedule).toEqual({ type: 'linear', alpha: 1.8e-5, minLr: 1e-4 });
    expect(findPreset('M1f').config.schedule).toEqual({ type: 'exponential', gamma: 0.95 });
    for (const p of PRESETS) expect(p.description.length).toBeGreaterThan(10);
  });

  it('M0–M1h sum the batch loss, as the study ran them; the framework rows keep the batch mean', () => {
    expect(PRESETS.filter((p) => p.config.lossReduction === 'sum').map((p) => p.name)).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h']);
    expect(PRESETS.filter((p) => p.config.lossReduction === 'mean').map((p) => p.name)).toEqual(['M2', 'M3a', 'M3b']);
    for (const p of PRESETS) expect([p.row, p.variant]).toEqual([p.name, null]);
    // The descriptions write down the numerics under the sum (issue 25).
    expect(findPreset('M1c').description).toMatch(/Summed batch gradients.*L2 not divided by the batch.*Adam ε 1e-8/);
    expect(findPreset('M2').description).toMatch(/Batch-mean loss.*M1g · batch mean/);
  });

  it('each from-scratch row has a batch-mean variant that differs in lossReduction only', () => {
    expect(BATCH_MEAN_PRESETS.map((p) => p.name)).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h'].map((n) => `${n} · batch mean`));
    for (const v of BATCH_MEAN_PRESETS) {
      const row = findPreset(v.row);
      expect(v).toMatchObject({ variant: 'batch mean', group: row.group });
      expect(v.config.lossReduction).toBe('mean');
      expect(changedFields(v.config, row.config)).toEqual(['lossReduction']);
      expect(v.description).toMatch(/Batch-mean gradients/);
    }
    // Launch-form order: each row followed by its variant; 12 rows + 9 variants.
    expect(ALL_PRESETS.slice(0, 4).map((p) => p.name)).toEqual(['M0', 'M0 · batch mean', 'M1a', 'M1a · batch mean']);
    expect(ALL_PRESETS).toHaveLength(21);
  });

  it('finds a variant by its name or the short form, and says how to name one', () => {
    expect(findPreset('M1c · batch mean').name).toBe('M1c · batch mean');
    expect(findPreset('m1c-mean').name).toBe('M1c · batch mean');
    expect(findPreset('M1C').name).toBe('M1c');
    expect(() => findPreset('M2-mean')).toThrow(/Unknown preset "M2-mean".*M1c · batch mean/);
  });

  it('a config follows the form of its row that matches its loss reduction', () => {
    expect(presetFormFor('M1c', { lossReduction: 'mean' })?.name).toBe('M1c · batch mean');
    expect(presetFormFor('M1c', { lossReduction: 'sum' })?.name).toBe('M1c');
    // The framework rows have one form: a summed M2 is M2 modified, not a variant.
    expect(presetFormFor('M2', { lossReduction: 'sum' })?.name).toBe('M2');
    expect(presetFormFor('M9', { lossReduction: 'sum' })).toBeUndefined();
  });
});
