/**
 * Quotas, checked before anything is stored: what one run may cost, and how much one user may queue.
 *
 *  - memory: weights, gradients, optimiser state (and best weights for early stopping) plus one
 *    mini-batch's activations, in float32, against RUN_MEMORY_LIMIT_MB (default a quarter of this
 *    machine's memory: workers run here, or on machines like it);
 *  - work: epochs × (parameters × training samples + steps × STEP_WORK), in parameter-samples, against
 *    RUN_WORK_LIMIT (default 1e14, ≈ 400 epochs of M1g on the full ByMerge training split, several
 *    hours on a 2-core machine). The steps term is each optimiser step's fixed cost, which the samples
 *    term alone missed: batch 1 and batch 512 were estimated alike, though an epoch at batch 1 took
 *    13× as long (issue 24);
 *  - queued runs per user (QUEUED_RUNS_PER_USER, default 50) and studies per user per hour
 *    (STUDIES_PER_HOUR, default 5); an admin can set either for one user (User.queuedRunLimit,
 *    User.studiesPerHourLimit) on the Users page.
 * Every refusal says which limit, its value, and how to get under it or have it raised.
 */
import os from 'node:os';
import type pg from 'pg';
import type { RunConfig } from '../../trainer/config/schema';
import { countParameters } from '../../trainer/config/presets';
import { EMNIST_BYMERGE, locateEmnist } from '../../trainer/data/load';
import { emnistDir, type DatasetEntry } from '../datasets/catalog';
import { quotaExceeded } from '../errors';

const BYTES = 4; // float32
/**
 * A training step's fixed cost (dispatching its kernels, the update), in parameter-samples: what it
 * costs beyond its samples' share. Measured with steps per second at batch 1 and at 256 on one wasm
 * thread, 784-128-64-47 (111,791 parameters), strat100 (3,290 training images), second epoch:
 * `npm run train -- --data ../shared/data/emnist --fixture strat100 --epochs 2 --batch-size 1|256
 * --backend wasm --threads 1`: 1,460 samples/s at batch 1 (685 µs a step), 19,197 at 256 (52 µs a
 * sample, 2.15e9 parameter-samples/s); 633 µs × 2.15e9 ≈ 1.36e6. The ratio of the two, not the
 * machine's speed, is what it encodes.
 */
export const STEP_WORK = 1.36e6;
/** Images per official file: what a run trains on is known before any worker loads it. */
const EMNIST_SPLIT_IMAGES = { train: 697_932, test: 116_323 } as const;

export interface QuotaSettings {
  runMemoryBytes: number;
  runWork: number;
  queuedRunsPerUser: number;
  studiesPerHour: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number (got "${raw}")`);
  return v;
}

export function quotaSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): QuotaSettings {
  return {
    runMemoryBytes: positive(env, 'RUN_MEMORY_LIMIT_MB', os.totalmem() / 4 / 2 ** 20) * 2 ** 20,
    runWork: positive(env, 'RUN_WORK_LIMIT', 1e14),
    queuedRunsPerUser: Math.floor(positive(env, 'QUEUED_RUNS_PER_USER', 50)),
    studiesPerHour: Math.floor(positive(env, 'STUDIES_PER_HOUR', 5)),
  };
}

/** Images of each split a run with this config would see (known without loading any image). */
export function splitImages(dataset: Pick<DatasetEntry, 'name'>, config: RunConfig): { pool: number; train: number; val: number; test: number } {
  let pool: number;
  let trainImages: number;
  let testImages: number;
  if (dataset.name === 'mnist') pool = trainImages = testImages = 10_000;
  else if (dataset.name === `${EMNIST_BYMERGE}-strat100`) pool = trainImages = testImages = 4_700;
  else {
    const dir = emnistDir();
    const roles = dir ? locateEmnist(dir).splits.map((s) => s.role) : [];
    pool = roles.reduce((n, r) => n + EMNIST_SPLIT_IMAGES[r], 0);
    trainImages = roles.includes('train') ? EMNIST_SPLIT_IMAGES.train : 0;
    testImages = roles.includes('test') ? EMNIST_SPLIT_IMAGES.test : 0;
  }
  if (config.split.mode === 'official') {
    const val = Math.round(trainImages * config.split.valFraction);
    return { pool, train: trainImages - val, val, test: testImages };
  }
  const train = Math.round(pool * config.split.train);
  const test = Math.round(pool * config.split.test);
  return { pool, train, val: pool - train - test, test };
}

/** Images in the training split a run with this config would see. */
export function trainingSamples(dataset: Pick<DatasetEntry, 'name'>, config: RunConfig): number {
  return splitImages(dataset, config).train;
}

export interface RunCost {
  parameters: number;
  memoryBytes: number;
  work: number;
  trainingSamples: number;
  /** Optimiser steps per epoch: ⌈training samples / batch size⌉. */
  steps: number;
}

/**
 * Estimated peak memory of training: parameters × (weights + gradients + optimiser slots + best
 * weights) and, per sample of a batch, the input row plus every layer's pre-activation, activation and
 * gradient (BatchNorm and dropout keep one more tensor per hidden layer each).
 */
export function estimateRun(config: RunConfig, dataset: Pick<DatasetEntry, 'name' | 'inputSize' | 'classCount'>): RunCost {
  const parameters = countParameters(dataset.inputSize, config.hidden, dataset.classCount, config.batchNorm);
  const slots = config.optimizer === 'adam' ? 2 : config.momentum > 0 ? 1 : 0;
  const copies = 2 + slots + (config.earlyStopping ? 1 : 0);
  const perHidden = 3 + (config.batchNorm ? 1 : 0) + (config.dropout > 0 ? 1 : 0);
  const hiddenUnits = config.hidden.reduce((s, h) => s + h, 0);
  const perSample = dataset.inputSize + perHidden * hiddenUnits + 3 * dataset.classCount;
  const memoryBytes = BYTES * (parameters * copies + config.batchSize * perSample);
  const samples = trainingSamples(dataset, config);
  const steps = Math.ceil(samples / config.batchSize);
  return { parameters, memoryBytes, work: config.epochs * (parameters * samples + steps * STEP_WORK), trainingSamples: samples, steps };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 0 })} MB`;
const sci = (x: number) => x.toExponential(2).replace('e+', 'e');

/** Why a run of this cost would be refused (empty when it fits). */
export function costProblems(cost: RunCost, q: QuotaSettings): string[] {
  const problems: string[] = [];
  if (cost.memoryBytes > q.runMemoryBytes) {
    problems.push(
      `estimated training memory ${mb(cost.memoryBytes)} exceeds the limit of ${mb(q.runMemoryBytes)} per run (RUN_MEMORY_LIMIT_MB, by default a quarter of the server's memory): ` +
        'use fewer or narrower hidden layers or a smaller batchSize, or ask the server\'s administrator to raise RUN_MEMORY_LIMIT_MB',
    );
  }
  if (cost.work > q.runWork) {
    problems.push(
      `estimated work ${sci(cost.work)} (epochs × (parameters × training samples + steps × ${sci(STEP_WORK)} per step) with ${cost.parameters.toLocaleString('en-US')} parameters, ${cost.trainingSamples.toLocaleString('en-US')} training samples and ${cost.steps.toLocaleString('en-US')} steps an epoch) exceeds the limit of ${sci(q.runWork)} per run (RUN_WORK_LIMIT): ` +
        'use fewer epochs, a larger batchSize or a smaller model, or ask the server\'s administrator to raise RUN_WORK_LIMIT',
    );
  }
  return problems;
}

export function checkRunCost(cost: RunCost, q: QuotaSettings, label = ''): void {
  const problems = costProblems(cost, q);
  if (problems.length) throw quotaExceeded(`${label}Run refused: ${problems.join('; ')}`, cost.memoryBytes > q.runMemoryBytes ? 'RUN_MEMORY_LIMIT_MB' : 'RUN_WORK_LIMIT');
}

interface UserLimits {
  queuedRunLimit: number | null;
  studiesPerHourLimit: number | null;
}

/** A SQL runner: node-postgres or a Prisma transaction ($queryRawUnsafe), whichever the caller holds. */
export type Query = <T>(sql: string, values: unknown[]) => Promise<T[]>;

export const poolQuery = (pool: pg.Pool): Query => async <T>(sql: string, values: unknown[]) => (await pool.query(sql, values)).rows as T[];

export async function userLimits(query: Query, userId: string): Promise<UserLimits> {
  const rows = await query<UserLimits>('SELECT "queuedRunLimit", "studiesPerHourLimit" FROM "User" WHERE "id" = $1', [userId]);
  return rows[0] ?? { queuedRunLimit: null, studiesPerHourLimit: null };
}

export const effectiveLimits = (q: QuotaSettings, u: UserLimits) => ({
  queuedRuns: u.queuedRunLimit ?? q.queuedRunsPerUser,
  studiesPerHour: u.studiesPerHourLimit ?? q.studiesPerHour,
});

/**
 * Inside the launching transaction: serialises launches by the same user (advisory lock on the user id)
 * and refuses when `adding` more queued runs, or one more study, would pass the user's caps.
 */
export async function checkUserQuota(query: Query, userId: string, q: QuotaSettings, adding: { runs: number; study?: boolean }): Promise<void> {
  await query('SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) l', [`launch:${userId}`]);
  const limits = effectiveLimits(q, await userLimits(query, userId));
  const rows = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Run" WHERE "ownerId" = $1 AND "status" = 'QUEUED' AND NOT "cancelRequested"`, [userId]);
  const queued = rows[0].n;
  if (queued + adding.runs > limits.queuedRuns) {
    throw quotaExceeded(
      `Queue limit: you have ${queued} queued run(s) and this would add ${adding.runs}, over your limit of ${limits.queuedRuns} queued runs ` +
        '(QUEUED_RUNS_PER_USER on the server; an admin can raise yours on the Users page). Wait for some to start, or cancel some.',
      'QUEUED_RUNS_PER_USER',
    );
  }
  if (adding.study) {
    const s = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "RunGroup" WHERE "ownerId" = $1 AND "createdAt" > now() - interval '1 hour'`, [userId]);
    if (s[0].n + 1 > limits.studiesPerHour) {
      throw quotaExceeded(
        `Study limit: you launched ${s[0].n} stud${s[0].n === 1 ? 'y' : 'ies'} in the last hour; your limit is ${limits.studiesPerHour} per hour ` +
          '(STUDIES_PER_HOUR on the server; an admin can raise yours on the Users page). Try again later.',
        'STUDIES_PER_HOUR',
      );
    }
  }
}
