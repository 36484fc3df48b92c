// The config schema refuses bad values naming the field; presets carry the study's parameter counts.
import { describe, it, expect } from 'vitest';
import { checkConfig, DEFAULT_CONFIG, validateConfig, withOverrides } from '../../trainer/config/schema';
import { countParameters, findPreset, PRESETS } from '../../trainer/config/presets';

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
});
