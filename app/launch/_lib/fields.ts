/**
 * The launch form's fields in words: each number field's label, whether it takes whole numbers, and
 * the range the run-config schema (trainer/config/schema.ts) accepts, so messages read "Learning rate
 * must be greater than 0 and at most 10 (got 20)" instead of schema text. The ranges are checked
 * against the schema itself in test/app/launchForm.test.ts, value by value at each bound.
 */

export interface NumberField {
  label: string;
  /** Whole numbers only (counts, sizes, seeds): "0x10" and "2.5" are refused, not read as 16 and 2. */
  integer: boolean;
  min?: number;
  /** The minimum itself is not allowed (greater than). */
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  /** A comma-separated list of such numbers. */
  list?: { example: string; maxItems: number; minItems: number };
}

export const NUMBER_FIELDS: Record<string, NumberField> = {
  hidden: { label: 'Hidden layers', integer: true, min: 1, max: 8192, list: { example: '128, 64', maxItems: 16, minItems: 1 } },
  dropout: { label: 'Dropout', integer: false, min: 0, max: 1, maxOpen: true },
  seed: { label: 'Seed', integer: true, min: 0, max: 2 ** 31 - 1 },
  lr: { label: 'Learning rate', integer: false, min: 0, minOpen: true, max: 10 },
  batchSize: { label: 'Batch size', integer: true, min: 1, max: 65536 },
  epochs: { label: 'Epochs', integer: true, min: 1, max: 1000 },
  momentum: { label: 'Momentum', integer: false, min: 0, max: 1, maxOpen: true },
  beta1: { label: 'Adam β1', integer: false, min: 0, max: 1, maxOpen: true },
  beta2: { label: 'Adam β2', integer: false, min: 0, max: 1, maxOpen: true },
  epsilon: { label: 'Adam ε', integer: false, min: 0, minOpen: true },
  l2: { label: 'L2 λ', integer: false, min: 0 },
  weightDecay: { label: 'Weight decay', integer: false, min: 0 },
  'earlyStopping.patience': { label: 'Patience', integer: true, min: 1 },
  'earlyStopping.minDelta': { label: 'Minimum improvement', integer: false, min: 0 },
  'schedule.alpha': { label: 'Decay α', integer: false, min: 0 },
  'schedule.minLr': { label: 'Minimum learning rate', integer: false, min: 0 },
  'schedule.gamma': { label: 'Decay γ', integer: false, min: 0, minOpen: true, max: 1 },
  'split.train': { label: 'Train share', integer: false, min: 0, minOpen: true, max: 1, maxOpen: true },
  'split.val': { label: 'Validation share', integer: false, min: 0, minOpen: true, max: 1, maxOpen: true },
  'split.test': { label: 'Test share', integer: false, min: 0, minOpen: true, max: 1, maxOpen: true },
  'split.valFraction': { label: 'Validation share of train', integer: false, min: 0, minOpen: true, max: 1, maxOpen: true },
  threads: { label: 'Threads', integer: true, min: 0, max: 64 },
  'robustness.sigmas': { label: 'Noise levels σ', integer: false, min: 0, max: 5, list: { example: '0, 0.1, 0.2', maxItems: 32, minItems: 0 } },
};

/** Labels of the choice fields, for messages about them. */
export const CHOICE_LABELS: Record<string, string> = {
  engine: 'Engine',
  activation: 'Activation',
  optimizer: 'Optimizer',
  backend: 'Backend',
  weightDecayMode: 'Decay mode',
  lossReduction: 'Batch loss',
  batchNorm: 'BatchNorm',
  'schedule.type': 'Learning-rate schedule',
  'split.mode': 'Split',
  'robustness.clip': 'Clip noisy pixels',
  earlyStopping: 'Early stopping',
};

export const labelOf = (key: string) => NUMBER_FIELDS[key]?.label ?? CHOICE_LABELS[key] ?? key;

const show = (n: number) => (Number.isInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en-US') : String(n));

/** "between 1 and 1,000", "greater than 0 and at most 10", "at least 0 and less than 1", "0 or more". */
export function rangeText(f: NumberField): string {
  const lo = f.min === undefined ? null : f.minOpen ? `greater than ${show(f.min)}` : `at least ${show(f.min)}`;
  const hi = f.max === undefined ? null : f.maxOpen ? `less than ${show(f.max)}` : `at most ${show(f.max)}`;
  if (f.min !== undefined && f.max !== undefined && !f.minOpen && !f.maxOpen) return `between ${show(f.min)} and ${show(f.max)}`;
  if (lo && hi) return `${lo} and ${hi}`;
  if (lo) return f.minOpen ? lo : `${show(f.min!)} or more`;
  return hi ?? 'a number';
}

export function inRange(f: NumberField, v: number): boolean {
  if (f.min !== undefined && (f.minOpen ? v <= f.min : v < f.min)) return false;
  if (f.max !== undefined && (f.maxOpen ? v >= f.max : v > f.max)) return false;
  return true;
}
