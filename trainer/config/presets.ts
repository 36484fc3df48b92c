/**
 * The study's experiment presets, as validated RunConfig values with a description each.
 * M0 is the baseline; M1a–M1h change one aspect each (optimiser, regularisation, schedule, architecture).
 *
 * The protocol: M0–M1h are defined with the batch's cross-entropy SUMMED (lossReduction 'sum'),
 * because that is what the study's hand-written engine ran. Under the batch mean, plain SGD at
 * η = 0.001 barely moves M0 in 50 epochs, and L2 at λ = 0.01 costs 9–13 points (M1c falls below M1b,
 * M1d below M1a), the opposite of what the study found; summed, the data term is 512× larger, the same
 * λ is a mild regulariser and the study's order returns (issue 25, PyTorch 1.13 on our data). The
 * batch-mean form of each row stays available as its variant "M1c · batch mean" (BATCH_MEAN).
 * The numerics under the sum, as the study's code computes them (checked by hand in
 * test/trainer/summedNumerics.test.ts):
 *  - L2 is λ/2·ΣW² added to the summed loss, not divided by the batch: the gradient is Σ ∂CE + λW;
 *  - Adam's ε = 1e-8 is added to √v̂ of the summed gradient as it is (not rescaled by the batch);
 *  - learning-rate schedules are per epoch and do not depend on the reduction.
 * Where the study left a value open we chose one and say so in the description:
 *  - M1c, M1e, M1f build on M1b (Adam η=0.001, early stopping patience 5), changing one thing each.
 *  - M1e's linear schedule: η_t = max(1e-4, 1e-3 − 1.8e-5·t), i.e. 1e-3 falling to 1e-4 by epoch 50.
 *  - M1f's exponential schedule: γ = 0.95.
 * The framework presets (M2, M3a, M3b) live in layersPresets.ts beside this file; they keep tf.layers'
 * batch mean, as the study's PyTorch models did, and have no variant.
 */
import { DEFAULT_CONFIG, validateConfig, type LossReduction, type RunConfig } from './schema';
import { LAYERS_PRESETS } from './layersPresets';

export interface Preset {
  /** The row's name ("M1c"); a variant's is "M1c · batch mean" (see `row`). */
  name: string;
  /** Which question of the study it answers: baseline, optimizer, regularization, schedule, architecture, framework. */
  group: string;
  description: string;
  config: RunConfig;
  /** The study row it belongs to ("M1c" for "M1c · batch mean"). */
  row: string;
  /** null: the row as the study ran it; BATCH_MEAN: the batch-mean form of a from-scratch row. */
  variant: PresetVariant | null;
}

/** The only variant: a from-scratch row with the batch's cross-entropy averaged instead of summed. */
export const BATCH_MEAN = 'batch mean';
export type PresetVariant = typeof BATCH_MEAN;

/** "M1c", or "M1c · batch mean". */
export const variantName = (row: string, variant: PresetVariant | null) => (variant ? `${row} · ${variant}` : row);

/** How a loss reduction is named to people (report rows, forms, notes). */
export const PROTOCOL_NAMES: Record<LossReduction, string> = { sum: 'summed gradients', mean: 'batch mean' };

const adamEarlyStop = {
  optimizer: 'adam' as const,
  lr: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  earlyStopping: { patience: 5, minDelta: 0 },
};

/** The study's protocol for its hand-written rows (see the header). */
const SUMMED = { lossReduction: 'sum' as const };
const SUM_NOTE = ' Summed batch gradients (Σ CE over the 512 rows, the study\'s protocol); L2 not divided by the batch; Adam ε 1e-8 on the summed gradient.';

function preset(name: string, group: string, description: string, overrides: Partial<RunConfig>): Preset {
  return { name, group, description: description + SUM_NOTE, config: validateConfig({ ...DEFAULT_CONFIG, ...SUMMED, ...overrides }), row: name, variant: null };
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
  preset('M1e', 'schedule', 'M1b with linear decay η_t = max(1e-4, 1e-3 − 1.8e-5·t) per epoch: 1e-3 down to 1e-4 at epoch 50 (α and η_min chosen by us).', {
    ...adamEarlyStop,
    schedule: { type: 'linear', alpha: 1.8e-5, minLr: 1e-4 },
  }),
  preset('M1f', 'schedule', 'M1b with exponential decay η_t = 1e-3·0.95^t per epoch.', {
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

/** The twelve study rows as the study ran them, in the report's order. */
export const PRESETS: Preset[] = [...SCRATCH_PRESETS, ...LAYERS_PRESETS];

/** "M1c · batch mean" for every from-scratch row: the row with the batch's cross-entropy averaged. */
export const BATCH_MEAN_PRESETS: Preset[] = SCRATCH_PRESETS.map((p) => ({
  ...p,
  name: variantName(p.name, BATCH_MEAN),
  variant: BATCH_MEAN,
  description: `${p.description.slice(0, -SUM_NOTE.length)} Batch-mean gradients (Σ CE / 512, PyTorch's default) instead of the study's sum: η and λ act 512× stronger relative to the data term.`,
  config: validateConfig({ ...p.config, lossReduction: 'mean' }),
}));

/** Every preset a run can be launched as: the rows, each followed by its variant (launch form order). */
export const ALL_PRESETS: Preset[] = PRESETS.flatMap((p) => [p, ...BATCH_MEAN_PRESETS.filter((v) => v.row === p.name)]);

/** A preset or variant by name, case-insensitive: "M1c", "M1c · batch mean" (or "M1c-mean", easier to type). */
export function lookupPreset(name: string): Preset | undefined {
  const key = name.trim().toLowerCase().replace(/\s*·\s*batch mean$|-mean$/, ` · ${BATCH_MEAN}`);
  return ALL_PRESETS.find((p) => p.name.toLowerCase() === key);
}

export function findPreset(name: string): Preset {
  const found = lookupPreset(name);
  if (!found) throw new Error(`Unknown preset "${name}". Known presets: ${PRESETS.map((p) => p.name).join(', ')}, and each of M0–M1h as "M1c · batch mean" (or M1c-mean)`);
  return found;
}

/** How a whole study is launched: the rows as the study ran them, or the from-scratch rows' batch-mean variants. */
export const STUDY_PROTOCOLS = ['PUBLISHED', 'BATCH_MEAN'] as const;
export type StudyProtocol = (typeof STUDY_PROTOCOLS)[number];
export const STUDY_PROTOCOL_LABELS: Record<StudyProtocol, string> = { PUBLISHED: 'as published (summed gradients)', BATCH_MEAN: 'batch mean' };

/** The twelve presets a study of `protocol` queues, in row order (the framework rows are the same in both). */
export function studyPresets(protocol: StudyProtocol): Preset[] {
  if (protocol === 'PUBLISHED') return PRESETS;
  return PRESETS.map((p) => BATCH_MEAN_PRESETS.find((v) => v.row === p.name) ?? p);
}

/**
 * The form of study row `row` that a config follows: for a from-scratch row, the batch-mean variant
 * when the config averages its batch loss, else the row; the framework rows have one form. The run is
 * then compared with that form's config (exact, or modified in the other fields).
 */
export function presetFormFor(row: string, config: Pick<RunConfig, 'lossReduction'>): Preset | undefined {
  const base = PRESETS.find((p) => p.name === row);
  if (!base) return undefined;
  const variant = BATCH_MEAN_PRESETS.find((v) => v.row === row);
  return variant && config.lossReduction === variant.config.lossReduction ? variant : base;
}

/** Trainable parameters of a dense MLP (weights + biases; BatchNorm adds γ and β per hidden unit). */
export function countParameters(inputSize: number, hidden: number[], classes: number, batchNorm = false): number {
  const sizes = [inputSize, ...hidden, classes];
  let total = 0;
  for (let i = 0; i < sizes.length - 1; i++) total += sizes[i] * sizes[i + 1] + sizes[i + 1];
  if (batchNorm) total += hidden.reduce((s, h) => s + 2 * h, 0);
  return total;
}
