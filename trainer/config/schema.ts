/**
 * The run configuration: one typed, validated object that the CLI, the GraphQL API and the launch form
 * all use. Every preset is a value of this type; any field can be overridden and is re-validated.
 * Validation errors name the field (e.g. `lr: must be greater than 0`) so a user knows what to fix.
 */
import { z } from 'zod';

export const ENGINES = ['scratch', 'layers'] as const;
export const ACTIVATIONS = ['relu', 'gelu', 'silu'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
/** How the cross-entropy of a mini-batch is reduced to the objective (see lossReduction below). */
export const LOSS_REDUCTIONS = ['mean', 'sum'] as const;

const positiveInt = z.number().int().positive();
/** Upper bound on the `threads` field: more replicas than this only adds synchronisation cost. */
export const MAX_THREADS = 64;
// Every object is strict: a misspelt field (`learningRate`, `schedule.kind`) is refused by name rather
// than silently dropped, which would train with the default instead.

export const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant') }),
  /** η_t = max(minLr, η_0 − alpha·t), t = epoch index from 0. */
  z.strictObject({
    type: z.literal('linear'),
    alpha: z.number().nonnegative(),
    minLr: z.number().nonnegative(),
  }),
  /** η_t = η_0 · gamma^t. */
  z.strictObject({ type: z.literal('exponential'), gamma: z.number().gt(0).max(1) }),
]);

export const splitSchema = z.discriminatedUnion('mode', [
  /** The study's protocol: pool every available image, then a stratified train/val/test split. */
  z.strictObject({
    mode: z.literal('stratified'),
    train: z.number().gt(0).lt(1),
    val: z.number().gt(0).lt(1),
    test: z.number().gt(0).lt(1),
  }),
  /** The distribution's own train/test files; validation carved (stratified) out of train. */
  z.strictObject({ mode: z.literal('official'), valFraction: z.number().gt(0).lt(1) }),
]);

export const runConfigSchema = z
  .object({
    engine: z.enum(ENGINES),
    /** Hidden layer widths, input to output; input and output sizes come from the data. */
    hidden: z.array(positiveInt.max(8192)).min(1, 'needs at least one hidden layer').max(16),
    activation: z.enum(ACTIVATIONS),
    optimizer: z.enum(OPTIMIZERS),
    lr: z.number().gt(0, 'must be greater than 0').max(10),
    /** SGD momentum β: v ← βv + g; θ ← θ − ηv. 0 is plain SGD. */
    momentum: z.number().min(0).lt(1),
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    epsilon: z.number().gt(0),
    /** L2 penalty λ/2·ΣW² added to the loss (weights only, not biases). */
    l2: z.number().min(0),
    /** Weight decay (layers engine): 'coupled' adds wd·θ to the gradient (PyTorch Adam), 'decoupled' is AdamW. */
    weightDecay: z.number().min(0),
    weightDecayMode: z.enum(['coupled', 'decoupled']),
    batchNorm: z.boolean(),
    dropout: z.number().min(0).lt(1),
    batchSize: positiveInt.max(65536),
    epochs: positiveInt.max(1000),
    /** Stop when validation loss has not improved for `patience` epochs; restore the best weights. */
    earlyStopping: z.strictObject({ patience: positiveInt, minDelta: z.number().min(0) }).nullable(),
    schedule: scheduleSchema,
    split: splitSchema,
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** Gaussian noise levels for the robustness curve; clip keeps noisy pixels in [0,1]. */
    robustness: z.strictObject({ sigmas: z.array(z.number().min(0).max(5)).max(32), clip: z.boolean() }),
    backend: z.enum(BACKENDS),
    /**
     * Compute threads for data-parallel training and evaluation (each mini-batch split across them,
     * gradients summed; see trainer/parallel/). 0 = the cores this worker may use. Optional so configs
     * stored before the field existed still validate.
     */
    threads: z.number().int().min(0).max(MAX_THREADS).default(0),
    /**
     * The objective's data term over a mini-batch of m rows: 'mean' = Σ CE / m (PyTorch's default,
     * ours), 'sum' = Σ CE, whose gradients are exactly m times the mean's (the L2 penalty is not
     * scaled). 'sum' is a likely reading of the study's hand-written SGD (dW = aᵀ·dz without the 1/m):
     * with η = 0.001 it steps m× further. Reported losses stay the mean CE either way. Optional so
     * configs stored before the field existed still validate (as 'mean', what they trained with).
     */
    lossReduction: z.enum(LOSS_REDUCTIONS).default('mean'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.split.mode === 'stratified') {
      const sum = c.split.train + c.split.val + c.split.test;
      if (Math.abs(sum - 1) > 1e-6) {
        ctx.addIssue({ code: 'custom', path: ['split'], message: `train + val + test must be 1 (is ${sum})` });
      }
    }
    if (c.engine === 'scratch') {
      // The from-scratch engine reproduces the study's M0–M1h: ReLU MLPs without BatchNorm/Dropout.
      if (c.activation !== 'relu') {
        ctx.addIssue({ code: 'custom', path: ['activation'], message: `the scratch engine supports only relu; use engine "layers" for ${c.activation}` });
      }
      if (c.batchNorm) ctx.addIssue({ code: 'custom', path: ['batchNorm'], message: 'the scratch engine has no BatchNorm; use engine "layers"' });
      if (c.dropout > 0) ctx.addIssue({ code: 'custom', path: ['dropout'], message: 'the scratch engine has no dropout; use engine "layers"' });
      if (c.weightDecay > 0) ctx.addIssue({ code: 'custom', path: ['weightDecay'], message: 'the scratch engine uses l2, not weightDecay; use engine "layers" for weight decay' });
    }
  });

export type RunConfig = z.infer<typeof runConfigSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type SplitConfig = z.infer<typeof splitSchema>;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];

/** Defaults every preset starts from: the study's M0 with its fixed protocol (batch 512, 70/10/20). */
export const DEFAULT_CONFIG: RunConfig = {
  engine: 'scratch',
  hidden: [128, 64],
  activation: 'relu',
  optimizer: 'sgd',
  lr: 0.001,
  momentum: 0,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  l2: 0,
  weightDecay: 0,
  weightDecayMode: 'coupled',
  batchNorm: false,
  dropout: 0,
  batchSize: 512,
  epochs: 50,
  earlyStopping: null,
  schedule: { type: 'constant' },
  split: { mode: 'stratified', train: 0.7, val: 0.1, test: 0.2 },
  seed: 42,
  robustness: { sigmas: [0, 0.1, 0.2, 0.3, 0.4, 0.5], clip: false },
  backend: 'auto',
  threads: 0,
  lossReduction: 'mean',
};

/** One problem with a config: the dotted field path and the rule it broke. */
export interface ConfigIssue {
  field: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid run config: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates without throwing; returns the config or the list of field issues. */
export function checkConfig(input: unknown): { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] } {
  const parsed = runConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      field: i.path.length ? i.path.join('.') : '(config)',
      message: i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}` : i.message,
    })),
  };
}

/** Validates or throws a ConfigError naming every bad field. */
export function validateConfig(input: unknown): RunConfig {
  const result = checkConfig(input);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}

/** Deep-merges overrides into a base config (objects merge, arrays and scalars replace), then validates. */
export function withOverrides(base: RunConfig, overrides: Record<string, unknown>): RunConfig {
  return validateConfig(deepMerge(base as unknown as Record<string, unknown>, overrides));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Config overrides over a base (CLI --set, presets, the API's launch input): objects merge, arrays and
 * scalars replace, undefined leaves the base; a discriminated union member (schedule `type`, split
 * `mode`) with a new discriminant replaces the whole object rather than mixing two kinds' fields.
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    const sameKind =
      isPlainObject(value) && isPlainObject(current) &&
      !('type' in value && value.type !== current.type) && !('mode' in value && value.mode !== current.mode);
    out[key] = sameKind ? deepMerge(current, value) : value;
  }
  return out;
}
