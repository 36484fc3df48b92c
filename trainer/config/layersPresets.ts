/**
 * Framework-engine presets (the study's M2, M3a, M3b), kept in their own file so the scratch presets
 * stay readable. All run on the layers engine (tf.layers + autograd).
 *  - M2 is M1g unchanged on the layers engine: the validation of the scratch engine (`npm run compare`).
 *  - M3a/M3b: the study gives "weight decay 0.01" with Adam η=0.001. We apply it decoupled (AdamW,
 *    θ ← θ − η·wd·θ beside the Adam step; PyTorch AdamW's default wd is 0.01), to every trainable
 *    parameter. `--set weightDecayMode=coupled` gives PyTorch's Adam(weight_decay=0.01) instead, which
 *    adds 0.01·θ to the gradient and acts as a much stronger L2 penalty under Adam's normalisation.
 *  - BatchNorm uses PyTorch's BatchNorm1d defaults (ε 1e-5, running-statistics momentum 0.1).
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
  return { name, group: 'framework', description, config: validateConfig({ ...DEFAULT_CONFIG, ...overrides }) };
}

export const LAYERS_PRESETS: Preset[] = [
  preset('M2', 'M1g on the layers engine (tf.layers + autograd): 784-400-240-120-47 ReLU, Adam η=0.001, early stopping (patience 5); same initial weights as M1g for the same seed.', {
    ...m1g,
    engine: 'layers',
  }),
  preset('M3a', 'Layers engine: 784-256-128-64-64-47 GELU, dropout 0.2, Adam η=0.001 with decoupled weight decay 0.01 (AdamW), early stopping (patience 7).', {
    ...modern,
    hidden: [256, 128, 64, 64],
    activation: 'gelu',
    dropout: 0.2,
  }),
  preset('M3b', 'Layers engine: 784-400-400-47 SiLU with BatchNorm, dropout 0.3, Adam η=0.001 with decoupled weight decay 0.01 (AdamW), early stopping (patience 7).', {
    ...modern,
    hidden: [400, 400],
    activation: 'silu',
    batchNorm: true,
    dropout: 0.3,
  }),
];
