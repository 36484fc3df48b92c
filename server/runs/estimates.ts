/**
 * How long runs will take, from throughput measured on this installation's workers rather than guessed.
 * Every finished epoch records the training samples per second its worker reached on its backend
 * (Epoch.samplesPerSecond, Run.backend). A run's speed is predicted from the most recent epochs:
 *   1. the median of epochs of the same network (engine, hidden layers, BatchNorm, dropout, batch size)
 *      on the backend the workers use now — "measured";
 *   2. else the median of parameters × samples/s over epochs of the same engine on that backend,
 *      divided by this network's parameters — "scaled" (bigger networks are slower in proportion);
 *   3. else a default per engine from `npm run bench` on a 2-core machine — "default".
 * A running run uses its own live figure (progress.samplesPerSecond, else its last epoch's).
 * Time = epochs × training samples / speed × (1 + validation share) + the final evaluation (test pass
 * and one pass per noise level) + a run's start-up for one not started yet. Early stopping can only make a run shorter, so estimates are upper
 * bounds for runs that use it. Queue waits assume the live workers take runs in queue order, one each.
 */
import type { RunConfig } from '../../trainer/config/schema';
import { countParameters } from '../../trainer/config/presets';
import type { Sql } from './sql';

/** Parameter-samples per second when nothing was measured yet (bench figures, one wasm thread). */
const DEFAULT_PARAMETER_RATE: Record<string, number> = { scratch: 4.5e9, layers: 1.5e9 };
/** A validation pass over 1/7 of the training rows, inference only: ~5% of an epoch's time. */
const VALIDATION_SHARE = 0.05;
/** Inference is about 3× faster per sample than a training step (no backward pass, no update). */
const INFERENCE_SPEEDUP = 3;
/** Epochs looked at for the throughput figures. */
const RECENT_EPOCHS = 2000;

export type RateSource = 'measured' | 'scaled' | 'default' | 'live';

export interface Speed {
  samplesPerSecond: number;
  source: RateSource;
  backend: string | null;
}

interface EpochSample {
  engine: string;
  backend: string | null;
  parameters: number | null;
  samplesPerSecond: number;
  network: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** What decides a network's speed per sample. */
export function networkKey(config: Pick<RunConfig, 'engine' | 'hidden' | 'batchNorm' | 'dropout' | 'batchSize'>): string {
  return `${config.engine}|${config.hidden.join('-')}|${config.batchNorm ? 'bn' : ''}|${config.dropout > 0 ? 'do' : ''}|${config.batchSize}`;
}

/** The recent throughput this installation measured, to predict from. */
export class ThroughputModel {
  constructor(
    private readonly samples: EpochSample[],
    /** The backend the workers train on now (that of the most recent epochs); null before any epoch. */
    readonly backend: string | null,
  ) {}

  static async load(sql: Sql): Promise<ThroughputModel> {
    const { rows } = await sql.query<{ engine: string; backend: string | null; parameters: number | null; samplesPerSecond: number; hidden: number[]; batchNorm: boolean; dropout: number; batchSize: number }>(
      `SELECT r."engine", r."backend", r."parameters", e."samplesPerSecond",
         r."config"->'hidden' AS "hidden", (r."config"->>'batchNorm')::boolean AS "batchNorm",
         (r."config"->>'dropout')::float8 AS "dropout", (r."config"->>'batchSize')::int AS "batchSize"
       FROM (SELECT "runId", "samplesPerSecond", "createdAt" FROM "Epoch" ORDER BY "createdAt" DESC LIMIT ${RECENT_EPOCHS}) e
       JOIN "Run" r ON r."id" = e."runId"
       WHERE e."samplesPerSecond" > 0 AND r."backend" IS NOT NULL
       ORDER BY e."createdAt" DESC`,
    );
    const samples = rows.map((r) => ({ ...r, network: networkKey({ engine: r.engine as RunConfig['engine'], hidden: r.hidden, batchNorm: r.batchNorm, dropout: r.dropout, batchSize: r.batchSize }) }));
    return new ThroughputModel(samples, samples[0]?.backend ?? null);
  }

  /** Predicted training samples per second of `config` on a network of `parameters`, on the current backend. */
  speed(config: RunConfig, parameters: number): Speed {
    const onBackend = this.samples.filter((s) => s.backend === this.backend);
    const same = onBackend.filter((s) => s.network === networkKey(config));
    if (same.length) return { samplesPerSecond: median(same.map((s) => s.samplesPerSecond)), source: 'measured', backend: this.backend };
    const engine = onBackend.filter((s) => s.engine === config.engine && s.parameters);
    if (engine.length) return { samplesPerSecond: median(engine.map((s) => s.samplesPerSecond * s.parameters!)) / parameters, source: 'scaled', backend: this.backend };
    return { samplesPerSecond: (DEFAULT_PARAMETER_RATE[config.engine] ?? DEFAULT_PARAMETER_RATE.layers) / parameters, source: 'default', backend: null };
  }
}

export interface RunShape {
  config: RunConfig;
  parameters: number;
  trainingSamples: number;
  /** Test images of its split (for the final evaluation). */
  testSamples: number;
}

/**
 * What a run costs besides its epochs and evaluation: the claim, the dataset from the worker's cache,
 * starting the replicas and saving the model. Measured: ≈1.5 s per run on a 2-core machine (the MNIST
 * study of test/e2e/study.test.ts, whose 1-epoch runs took 1.7–5.6 s each).
 */
export const RUN_OVERHEAD_SECONDS = 1.5;

/** Seconds for `epochs` epochs at `samplesPerSecond`, plus the final evaluation, plus the start-up of a run not yet started. */
export function secondsFor(shape: RunShape, samplesPerSecond: number, epochs: number, { evaluation = true, startup = false } = {}): number {
  const training = (epochs * shape.trainingSamples * (1 + VALIDATION_SHARE)) / samplesPerSecond;
  const passes = 1 + shape.config.robustness.sigmas.filter((s) => s > 0).length;
  const evaluating = evaluation ? (passes * shape.testSamples) / (INFERENCE_SPEEDUP * samplesPerSecond) : 0;
  return training + evaluating + (startup ? RUN_OVERHEAD_SECONDS : 0);
}

/** The whole run's estimated duration (not started yet). */
export function estimateSeconds(model: ThroughputModel, shape: RunShape): { seconds: number; speed: Speed } {
  const speed = model.speed(shape.config, shape.parameters);
  return { seconds: secondsFor(shape, speed.samplesPerSecond, shape.config.epochs, { startup: true }), speed };
}

/** A running run's progress as its worker reports it (Run.progress). */
export interface LiveProgress {
  /** While training: the epoch in progress (1-based); while loading or waiting for a worker: the epochs finished. */
  epoch: number;
  batch: number;
  batches: number;
  samplesPerSecond: number | null;
  phase: string | null;
}

/** Phases after the last epoch: only the final evaluation is left. */
const AFTER_TRAINING = new Set(['evaluating', 'robustness', 'saving']);

/** Epochs finished so far, fractional within the epoch in progress. */
export function epochsDone(progress: LiveProgress | null, epochs: number): number {
  if (!progress) return 0;
  if (progress.phase && AFTER_TRAINING.has(progress.phase)) return epochs;
  if (progress.phase === 'training' && progress.batches > 0) return Math.max(0, progress.epoch - 1 + progress.batch / progress.batches);
  return progress.epoch;
}

/** What is left of a running run: the rest of its epochs at its own live speed, then its evaluation. */
export function remainingSeconds(model: ThroughputModel, shape: RunShape, progress: LiveProgress | null, lastEpochSpeed: number | null): { seconds: number; speed: Speed; done: number } {
  const live = progress?.samplesPerSecond ?? lastEpochSpeed;
  const speed: Speed = live && live > 0 ? { samplesPerSecond: live, source: 'live', backend: null } : model.speed(shape.config, shape.parameters);
  const done = Math.min(shape.config.epochs, epochsDone(progress, shape.config.epochs));
  return { seconds: secondsFor(shape, speed.samplesPerSecond, shape.config.epochs - done), speed, done };
}

/** Parameters of a config on a dataset geometry. */
export const parametersOf = (config: RunConfig, inputSize: number, classes: number) => countParameters(inputSize, config.hidden, classes, config.batchNorm);
