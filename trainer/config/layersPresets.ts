/**
 * Framework-engine presets (the study's M2, M3a, M3b), kept in their own file so the scratch presets
 * stay readable. All run on the layers engine (tf.layers + autograd).
 *  - M2 is M1g unchanged on the layers engine: the validation of the scratch engine (`npm run compare`).
 *  - M3a/M3b: the study gives "weight decay 0.01" with Adam η=0.001. We apply it decoupled (AdamW,
 *    θ ← θ − η·wd·θ beside the Adam step; PyTorch AdamW's default wd is 0.01), to every trainable
 *    parameter. `--set weightDecayMode=coupled` gives PyTorch's Adam(weight_decay=0.01) instead, which
 *    adds 0.01·θ to the gradient and acts as a much stronger L2 penalty under Adam's normalisation.
 *  - BatchNorm uses PyTorch's BatchNorm1d defaults (ε 1e-5, running-statistics momentum 0.1).
 *  - All three keep tf.layers' batch-mean loss, as the study's PyTorch models did, while the
 *    from-scratch rows (M1g included) sum theirs as the study's own engine did; so M2 is compared with
 *    "M1g · batch mean", the same protocol, to validate the engine.
 */
import { DEFAULT_CONFIG, validateConfig, type RunConfig } from './schema';
import type { Preset } from './presets';

const m1g: Partial<RunConfig> = {
  optimizer: 'adam',
  lr: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  earlyStopping: { patience: 5, minDelta: 0 },
  hidden: [400, 240, 120],
};

const modern: Partial<RunConfig> = {
  engine: 'layers',
  optimizer: 'adam',
  lr: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  weightDecay: 0.01,
  weightDecayMode: 'decoupled',
  earlyStopping: { patience: 7, minDelta: 0 },
};

function preset(name: string, description: string, overrides: Partial<RunConfig>): Preset {
  return { name, group: 'framework', description, config: validateConfig({ ...DEFAULT_CONFIG, lossReduction: 'mean', ...overrides }), row: name, variant: null };
}

export const LAYERS_PRESETS: Preset[] = [
  preset('M2', 'M1g on the layers engine (tf.layers + autograd): 784-400-240-120-47 ReLU, Adam η=0.001, early stopping (patience 5); same initial weights as M1g for the same seed. Batch-mean loss as in the study\'s PyTorch model; M1g as published sums its batch, so the engines are compared under one protocol: M2 beside "M1g · batch mean".', {
    ...m1g,
    engine: 'layers',
  }),
  preset('M3a', 'Layers engine: 784-256-128-64-64-47 GELU, dropout 0.2, Adam η=0.001 with decoupled weight decay 0.01 (AdamW), early stopping (patience 7). Batch-mean loss (PyTorch\'s default).', {
    ...modern,
    hidden: [256, 128, 64, 64],
    activation: 'gelu',
    dropout: 0.2,
  }),
  preset('M3b', 'Layers engine: 784-400-400-47 SiLU with BatchNorm, dropout 0.3, Adam η=0.001 with decoupled weight decay 0.01 (AdamW), early stopping (patience 7). Batch-mean loss (PyTorch\'s default).', {
    ...modern,
    hidden: [400, 400],
    activation: 'silu',
    batchNorm: true,
    dropout: 0.3,
  }),
];
