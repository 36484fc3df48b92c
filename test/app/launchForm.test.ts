/**
 * The launch form's rules, without a browser: strict number parsing ("0x10" is not 16), plain-language
 * messages naming the field, the range and what was typed, ranges that agree with the run-config
 * schema at every bound, what each engine offers, switching presets without losing edits, and the
 * run-time estimate from measured throughput (checked against a hand calculation).
 */
import { describe, expect, it } from 'vitest';
import { configToForm, validateForm, type FormValues } from '../../app/launch/_lib/configForm';
import { activationsFor, fitToEngine, hiddenOptionsNote } from '../../app/launch/_lib/engine';
import { NUMBER_FIELDS, rangeText } from '../../app/launch/_lib/fields';
import { parseNumber } from '../../app/launch/_lib/parse';
import { switchPreset } from '../../app/launch/_lib/presetSwitch';
import { estimateRunTime } from '../../app/launch/_lib/runTime';
import { PRESETS } from '../../trainer/config/presets';
import { checkConfig, DEFAULT_CONFIG, type RunConfig } from '../../trainer/config/schema';

const preset = (name: string) => PRESETS.find((p) => p.name === name)!.config;
const issuesOf = (v: FormValues) => {
  const r = validateForm(v);
  return r.ok ? [] : r.issues;
};

describe('strict number parsing', () => {
  it('reads plain integers and decimals, and names every other kind of text', () => {
    expect(parseNumber('16', true)).toEqual({ ok: true, value: 16 });
    expect(parseNumber(' -3 ', true)).toEqual({ ok: true, value: -3 });
    expect(parseNumber('0x10', true)).toEqual({ ok: false, reason: 'not-a-number' });
    expect(parseNumber('2.5', true)).toEqual({ ok: false, reason: 'not-whole' });
    expect(parseNumber('1e3', true)).toEqual({ ok: false, reason: 'not-whole' });
    expect(parseNumber('', true)).toEqual({ ok: false, reason: 'empty' });
    expect(parseNumber('1e-8', false)).toEqual({ ok: true, value: 1e-8 });
    expect(parseNumber('.5', false)).toEqual({ ok: true, value: 0.5 });
    for (const bad of ['0x10', 'Infinity', '1,5', '1 2', 'NaN', '--1', '0b11']) expect(parseNumber(bad, false).ok, bad).toBe(false);
  });
});

describe('launch form validation', () => {
  const f = configToForm(DEFAULT_CONFIG);

  it('round-trips every preset through the form unchanged', () => {
    for (const p of PRESETS) {
      const r = validateForm(configToForm(p.config));
      expect(r.ok, p.name).toBe(true);
      if (r.ok) expect(r.config).toEqual(p.config);
    }
  });

  it('says what is wrong in words: the field, the allowed range and what was typed', () => {
    expect(issuesOf({ ...f, lr: '20' })).toEqual([{ field: 'lr', message: 'Learning rate must be greater than 0 and at most 10 (got 20).' }]);
    expect(issuesOf({ ...f, lr: '-1' })).toEqual([{ field: 'lr', message: 'Learning rate must be greater than 0 and at most 10 (got -1).' }]);
    expect(issuesOf({ ...f, epochs: '0x10' })).toEqual([{ field: 'epochs', message: 'Epochs must be a number (got “0x10”).' }]);
    expect(issuesOf({ ...f, epochs: '2.5' })).toEqual([{ field: 'epochs', message: 'Epochs must be a whole number (got “2.5”).' }]);
    expect(issuesOf({ ...f, epochs: '' })).toEqual([{ field: 'epochs', message: 'Epochs is required.' }]);
    expect(issuesOf({ ...f, epochs: '5000' })).toEqual([{ field: 'epochs', message: 'Epochs must be between 1 and 1000 (got 5000).' }]);
    expect(issuesOf({ ...f, hidden: '128, abc' })).toEqual([{ field: 'hidden', message: 'Hidden layers must be whole numbers separated by commas, like 128, 64 (got “abc”).' }]);
    expect(issuesOf({ ...f, 'split.train': '0.8' })).toEqual([{ field: 'split', message: 'Train, validation and test shares must add up to 1 (they add up to 1.1).' }]);
    // No raw schema text anywhere.
    for (const v of [{ ...f, momentum: '1' }, { ...f, seed: '-1' }, { ...f, batchSize: '0' }]) {
      for (const i of issuesOf(v)) expect(i.message).not.toMatch(/Too (big|small)|expected/);
    }
  });

  it('ignores fields the form hides (another schedule type, another optimizer, layers-only options)', () => {
    expect(validateForm({ ...f, 'schedule.gamma': 'nonsense' }).ok).toBe(true);
    expect(validateForm({ ...f, 'schedule.type': 'exponential', 'schedule.gamma': 'nonsense' }).ok).toBe(false);
    expect(validateForm({ ...f, optimizer: 'sgd', beta1: 'x' }).ok).toBe(true);
    expect(validateForm({ ...f, engine: 'scratch', dropout: 'x' }).ok).toBe(true);
  });

  it('uses the ranges the run-config schema accepts, checked at each bound', () => {
    const base = DEFAULT_CONFIG as unknown as Record<string, unknown>;
    const put = (path: string, value: unknown): Record<string, unknown> => {
      const c = structuredClone(base);
      if (path.startsWith('earlyStopping.')) c.earlyStopping = { patience: 5, minDelta: 0, [path.split('.')[1]]: value };
      else if (path.startsWith('schedule.')) c.schedule = path === 'schedule.gamma' ? { type: 'exponential', gamma: value } : { type: 'linear', alpha: 0, minLr: 0, [path.split('.')[1]]: value };
      else if (path === 'split.valFraction') c.split = { mode: 'official', valFraction: value };
      else if (path.startsWith('split.')) c.split = { mode: 'stratified', train: 0.7, val: 0.1, test: 0.2, [path.split('.')[1]]: value };
      else if (path === 'robustness.sigmas') c.robustness = { sigmas: [value], clip: false };
      else if (path === 'hidden') c.hidden = [value];
      else if (path === 'dropout' || path === 'weightDecay') Object.assign(c, { engine: 'layers', [path]: value });
      else c[path] = value;
      return c;
    };
    // Only the field's own rule: the split's sum is a separate rule.
    const fieldOk = (path: string, value: number) => {
      const r = checkConfig(put(path, value));
      return r.ok || r.issues.every((i) => !i.field.startsWith(path.replace(/\.\w+$/, path.startsWith('split.') ? '.' : '')) || i.field === 'split');
    };
    const ulp = (x: number) => Math.max(1e-9, Math.abs(x) * 1e-9);
    for (const [path, field] of Object.entries(NUMBER_FIELDS)) {
      if (field.min !== undefined) {
        expect(fieldOk(path, field.min), `${path} at its minimum`).toBe(!field.minOpen);
        expect(fieldOk(path, field.min - (field.integer ? 1 : ulp(field.min))), `${path} below`).toBe(false);
      }
      if (field.max !== undefined) {
        expect(fieldOk(path, field.max), `${path} at its maximum`).toBe(!field.maxOpen);
        expect(fieldOk(path, field.max + (field.integer ? 1 : ulp(field.max))), `${path} above`).toBe(false);
      }
      if (field.integer && field.min !== undefined) expect(fieldOk(path, field.min + 0.5), `${path} fractional`).toBe(false);
    }
    expect(rangeText(NUMBER_FIELDS.dropout)).toBe('at least 0 and less than 1');
    expect(rangeText(NUMBER_FIELDS.l2)).toBe('0 or more');
  });
});

describe('engines', () => {
  it('offers the scratch engine only what it supports, and says why the rest is hidden', () => {
    expect(activationsFor('scratch')).toEqual(['relu']);
    expect(activationsFor('layers')).toEqual(['relu', 'gelu', 'silu']);
    expect(hiddenOptionsNote('scratch')).toMatch(/BatchNorm, dropout or weight decay/);
    expect(hiddenOptionsNote('layers')).toBeNull();
    const m3b = configToForm(preset('M3b'));
    const { values, changed } = fitToEngine({ ...m3b, engine: 'scratch' });
    expect(changed.sort()).toEqual(['activation', 'batchNorm', 'dropout', 'weightDecay'].filter((k) => m3b[k] !== configToForm(DEFAULT_CONFIG)[k]).sort());
    expect(validateForm(values).ok).toBe(true);
  });
});

describe('switching presets', () => {
  it('keeps the fields the person edited and lists them; untouched fields take the new preset', () => {
    const m0 = configToForm(preset('M0'));
    const current = { ...m0, epochs: '3', lr: '0.01' };
    const sw = switchPreset(preset('M1b'), current, new Set(['epochs', 'lr']));
    expect(sw.values.epochs).toBe('3');
    expect(sw.values.lr).toBe('0.01');
    expect(sw.values.optimizer).toBe(configToForm(preset('M1b')).optimizer);
    expect(sw.kept.map((k) => k.field).sort()).toEqual(['epochs', 'lr']);
    expect(sw.kept.find((k) => k.field === 'epochs')).toEqual({ field: 'epochs', yours: '3', preset: String(preset('M1b').epochs) });
    // No edits: the preset as it is, nothing to say.
    expect(switchPreset(preset('M1b'), m0, new Set()).kept).toEqual([]);
  });

  it('fits kept edits to the new preset\'s engine', () => {
    const m3b = configToForm(preset('M3b'));
    const sw = switchPreset(preset('M0'), { ...m3b, dropout: '0.3' }, new Set(['dropout']));
    expect(sw.values.engine).toBe('scratch');
    expect(sw.values.dropout).toBe('0');
    expect(sw.fitted).toEqual(['dropout']);
    expect(validateForm(sw.values).ok).toBe(true);
  });
});

describe('run-time estimate', () => {
  const run = (backend: string, engine: string, parameters: number, sps: number[]) => ({ backend, engine, parameters, epochs: sps.map((samplesPerSecond) => ({ samplesPerSecond })) });

  it('scales recent runs\' measured speed on the same backend by parameter count (hand calculation)', () => {
    // 100k parameters at 10,000 samples/s = 1e9 weights/s; 200k at 4,000 = 0.8e9: median of the two is 0.9e9.
    const recent = [run('wasm', 'scratch', 100_000, [9_000, 10_000, 11_000]), run('wasm', 'scratch', 200_000, [4_000]), run('cpu', 'scratch', 100_000, [100])];
    const est = estimateRunTime({ backend: 'wasm', engine: 'scratch', parameters: 300_000, trainingSamples: 60_000, epochs: 10 }, recent)!;
    expect(est.samplesPerSecond).toBeCloseTo(3_000);
    expect(est.seconds).toBeCloseTo((10 * 60_000) / 3_000);
    expect(est.basis).toBe(2);
    expect(est.backend).toBe('wasm');
  });

  it('resolves "auto" to the backend recent runs used most, prefers the same engine, and gives up without measurements', () => {
    const recent = [run('wasm', 'layers', 100_000, [1_000]), run('wasm', 'scratch', 100_000, [5_000]), run('cpu', 'scratch', 100_000, [100])];
    const est = estimateRunTime({ backend: 'auto', engine: 'layers', parameters: 100_000, trainingSamples: 1_000, epochs: 1 }, recent)!;
    expect(est.backend).toBe('wasm');
    expect(est.samplesPerSecond).toBeCloseTo(1_000);
    expect(estimateRunTime({ backend: 'tensorflow', engine: 'scratch', parameters: 1, trainingSamples: 1, epochs: 1 }, recent)).toBeNull();
    expect(estimateRunTime({ backend: 'wasm', engine: 'scratch', parameters: 1, trainingSamples: 1, epochs: 1 }, [])).toBeNull();
  });
});

export type { RunConfig };

describe('backends', () => {
  it('offers auto and the backends live workers have; a missing one (from a clone) is marked and refused', async () => {
    const { backendChoices, requireLiveBackend } = await import('../../app/launch/_lib/backends');
    expect(backendChoices(['wasm', 'cpu'], 'auto')).toMatchObject({ options: ['auto', 'wasm', 'cpu'], note: expect.stringMatching(/no worker has tensorflow now/) });
    expect(backendChoices(['tensorflow', 'wasm', 'cpu'], 'auto').note).toBeNull();
    expect(backendChoices([], 'auto').note).toMatch(/No trainer worker is running/);
    const clone = backendChoices(['wasm'], 'tensorflow');
    expect(clone.options).toEqual(['auto', 'wasm', 'tensorflow']);
    expect(clone.labels.tensorflow).toBe('tensorflow (no live worker has it)');
    const ok = { ok: true as const, config: {} };
    expect(requireLiveBackend(ok, 'tensorflow', ['wasm'])).toEqual({ ok: false, issues: [{ field: 'backend', message: 'No live worker has the tensorflow backend now, so the run would only wait for one. Choose auto or wasm.' }] });
    expect(requireLiveBackend(ok, 'wasm', ['wasm'])).toBe(ok);
    expect(requireLiveBackend(ok, 'auto', [])).toBe(ok);
  });
});
