/**
 * The study's experiment presets, as validated RunConfig values with a description each.
 * M0 is the baseline; M1a–M1h change one aspect each (optimiser, regularisation, schedule, architecture).
 * Where the study left a value open we chose one and say so in the description:
 *  - M1c, M1e, M1f build on M1b (Adam η=0.001, early stopping patience 5), changing one thing each.
 *  - M1e's linear schedule: η_t = max(1e-4, 1e-3 − 1.8e-5·t), i.e. 1e-3 falling to 1e-4 by epoch 50.
 *  - M1f's exponential schedule: γ = 0.95.
 * The framework presets (M2, M3a, M3b) live in layersPresets.ts beside this file.
 */
import { DEFAULT_CONFIG, validateConfig, type RunConfig } from './schema';
import { LAYERS_PRESETS } from './layersPresets';

export interface Preset {
  name: string;
  /** Which question of the study it answers: baseline, optimizer, regularization, schedule, architecture, framework. */
  group: string;
  description: string;
  config: RunConfig;
}

const adamEarlyStop = {
  optimizer: 'adam' as const,
  lr: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  earlyStopping: { patience: 5, minDelta: 0 },
};

function preset(name: string, group: string, description: string, overrides: Partial<RunConfig>): Preset {
  return { name, group, description, config: validateConfig({ ...DEFAULT_CONFIG, ...overrides }) };
}

export const SCRATCH_PRESETS: Preset[] = [
  preset('M0', 'baseline', 'Baseline: 784-128-64-47 ReLU, plain SGD η=0.001, 50 epochs, no L2, no early stopping.', {}),
  preset('M1a', 'optimizer', 'M0 with SGD momentum 0.9 and early stopping (patience 5).', {
    momentum: 0.9,
    earlyStopping: { patience: 5, minDelta: 0 },
  }),
  preset('M1b', 'optimizer', 'Adam η=0.001 (β1 0.9, β2 0.999) with early stopping (patience 5).', adamEarlyStop),
  preset('M1c', 'regularization', 'M1b plus L2 weight penalty λ=0.01 (λ/2·ΣW², weights only).', { ...adamEarlyStop, l2: 0.01 }),
  preset('M1d', 'regularization', 'SGD momentum 0.9 plus L2 λ=0.01 with early stopping (patience 5).', {
    momentum: 0.9,
    l2: 0.01,
    earlyStopping: { patience: 5, minDelta: 0 },
  }),
  preset('M1e', 'schedule', 'M1b with linear decay η_t = max(1e-4, 1e-3 − 1.8e-5·t): 1e-3 down to 1e-4 at epoch 50 (α and η_min chosen by us).', {
    ...adamEarlyStop,
    schedule: { type: 'linear', alpha: 1.8e-5, minLr: 1e-4 },
  }),
  preset('M1f', 'schedule', 'M1b with exponential decay η_t = 1e-3·0.95^t.', {
    ...adamEarlyStop,
    schedule: { type: 'exponential', gamma: 0.95 },
  }),
  preset('M1g', 'architecture', 'Deeper: 784-400-240-120-47 (444,847 parameters), Adam η=0.001, early stopping (patience 5).', {
    ...adamEarlyStop,
    hidden: [400, 240, 120],
  }),
  preset('M1h', 'architecture', 'Wider: 784-370-370-47 (445,157 parameters), Adam η=0.001, early stopping (patience 5).', {
    ...adamEarlyStop,
    hidden: [370, 370],
  }),
];

export const PRESETS: Preset[] = [...SCRATCH_PRESETS, ...LAYERS_PRESETS];

export function findPreset(name: string): Preset {
  const found = PRESETS.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new Error(`Unknown preset "${name}". Known presets: ${PRESETS.map((p) => p.name).join(', ')}`);
  return found;
}

/** Trainable parameters of a dense MLP (weights + biases; BatchNorm adds γ and β per hidden unit). */
export function countParameters(inputSize: number, hidden: number[], classes: number, batchNorm = false): number {
  const sizes = [inputSize, ...hidden, classes];
  let total = 0;
  for (let i = 0; i < sizes.length - 1; i++) total += sizes[i] * sizes[i + 1] + sizes[i + 1];
  if (batchNorm) total += hidden.reduce((s, h) => s + 2 * h, 0);
  return total;
}
