/**
 * Finishes queued runs through the real lifecycle (claim → recordEpoch → storeResults → succeed) with
 * figures a test chooses, standing in for a trainer: report, group and estimate tests need finished
 * runs with known numbers, and training 50-epoch presets for real would take minutes. With no worker
 * running, `claim` takes the oldest queued run, so launch-then-finish pairs stay in step.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { validateConfig } from '../../trainer/config/schema';
import type { RunResult } from '../../trainer/result';
import * as lifecycle from '../../server/runs/lifecycle';
import { newPool } from '../../server/db/pool';

/** The stand-in trainer takes runs asking for any backend. */
const ALL_BACKENDS = ['tensorflow', 'wasm', 'cpu'];

export interface Figures {
  accuracy: number;
  macroF1: number;
  crossEntropy: number;
  trainAccuracy: number;
  valAccuracy: number;
  valLoss: number;
  robustness?: { sigma: number; accuracy: number }[];
  /** The same curve under the other clipping (the config's is `robustness`). */
  otherRobustness?: { sigma: number; accuracy: number }[];
  /** Epochs to record (default 2), each at this many samples per second (default 10,000). */
  epochs?: number;
  samplesPerSecond?: number;
  classNames?: string[];
}

export class FakeTrainer {
  readonly pool: pg.Pool;
  readonly holder = { id: crypto.randomUUID(), host: 'fake-trainer', pid: 1 };

  constructor(url: string) {
    this.pool = newPool({ connectionString: url, max: 2 });
  }

  /** Claims the oldest queued run (it must be `runId`) and ends it SUCCEEDED with `f`. */
  async finish(runId: string, f: Figures, options: { modelPath?: string | null; host?: string } = {}): Promise<void> {
    const holder = { ...this.holder, host: options.host ?? this.holder.host };
    const claimed = await lifecycle.claim(this.pool, holder, ALL_BACKENDS);
    if (claimed?.id !== runId) throw new Error(`claimed ${claimed?.id ?? 'nothing'}, expected ${runId}: another queued run is older`);
    const config = validateConfig(claimed.config);
    const epochs = f.epochs ?? 2;
    const history = Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1, lr: config.lr, trainLoss: 1 / (i + 1), trainAccuracy: f.trainAccuracy, valLoss: f.valLoss, valAccuracy: f.valAccuracy, seconds: 1, samplesPerSecond: f.samplesPerSecond ?? 10_000,
    }));
    for (const h of history) if (!(await lifecycle.recordEpoch(this.pool, holder, runId, h))) throw new Error('recordEpoch refused');
    const classNames = f.classNames ?? Array.from({ length: 10 }, (_, i) => String(i));
    const result: RunResult = {
      config, preset: claimed.preset, engine: config.engine, backend: 'wasm', threads: 1, codeVersion: 'test', seed: config.seed,
      dataset: { name: claimed.dataset, classNames, imageSize: { rows: 28, cols: 28 }, splitSizes: { train: 70, val: 10, test: 20 }, sources: ['test'] },
      parameters: 1000, history, bestEpoch: epochs, stoppedEarly: false, cancelled: false,
      train: { accuracy: f.trainAccuracy, crossEntropy: 0.5 },
      validation: { accuracy: f.valAccuracy, crossEntropy: f.valLoss },
      test: {
        count: 20, accuracy: f.accuracy, macroF1: f.macroF1, crossEntropy: f.crossEntropy,
        perClass: classNames.map((name, i) => ({ classIndex: i, name, precision: 1, recall: 1, f1: 1, support: 2 })),
        confusion: classNames.map((_, i) => classNames.map((__, j) => (i === j ? 2 : 0))),
      },
      robustness: {
        clip: config.robustness.clip,
        points: f.robustness ?? [{ sigma: 0, accuracy: f.accuracy }],
        ...(f.otherRobustness ? { other: { clip: !config.robustness.clip, points: f.otherRobustness } } : {}),
      },
      timings: { totalSeconds: epochs, trainSeconds: epochs, evalSeconds: 0, meanEpochSeconds: 1, samplesPerSecond: f.samplesPerSecond ?? 10_000 },
      startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
    };
    if (!(await lifecycle.storeResults(this.pool, holder, runId, result))) throw new Error('storeResults refused');
    if (!(await lifecycle.succeed(this.pool, holder, runId, { modelPath: options.modelPath ?? null }))) throw new Error('succeed refused');
  }

  /** Claims the oldest queued run (it must be `runId`) and leaves it RUNNING, held by this fake worker. */
  async start(runId: string): Promise<void> {
    const claimed = await lifecycle.claim(this.pool, this.holder, ALL_BACKENDS);
    if (claimed?.id !== runId) throw new Error(`claimed ${claimed?.id ?? 'nothing'}, expected ${runId}`);
  }

  /** Fails the run this fake worker holds. */
  async fail(runId: string, reason: string): Promise<void> {
    if (!(await lifecycle.fail(this.pool, this.holder, runId, reason))) throw new Error('fail refused');
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
