/**
 * When will each queued and running run finish? A small simulation of the queue as workers take it:
 * the live workers (Worker rows with a fresh heartbeat, on any host) each hold at most one run; the
 * held runs finish after their remaining time (live throughput, estimates.ts); then every other run,
 * in claim order (handed-back WAITING runs first, then QUEUED by creation), goes to the worker that
 * frees up first. Cancel-requested runs are left out (they stop within a batch). With no live worker
 * nothing finishes: `finishesInSeconds` is null and only remaining times are given.
 */
import { checkConfig } from '../../trainer/config/schema';
import { findDataset } from '../datasets/catalog';
import { countLiveWorkers } from '../worker/registry';
import { parametersOf, remainingSeconds, ThroughputModel, type RateSource, type RunShape } from './estimates';
import { splitImages } from './quotas';
import { DEFAULT_STALE_SECONDS } from './reaper';
import { toSql, type Db } from './sql';

export interface ScheduledRun {
  id: string;
  /** Finished epochs so far. */
  epochsDone: number;
  remainingSeconds: number;
  finishesInSeconds: number | null;
  speedSource: RateSource;
}

export interface QueueSchedule {
  workers: number;
  model: ThroughputModel;
  runs: Map<string, ScheduledRun>;
  /** Every active run in claim order, with its remaining time (to simulate adding runs behind them). */
  active: ActiveRun[];
  /** Seconds until every queued and running run is done (null without a live worker). */
  drainSeconds: number | null;
}

export interface ActiveRun {
  id: string;
  held: boolean;
  remainingSeconds: number;
}

/** Finish times (seconds from now) of runs in claim order on `workers` workers; held runs are already on one. */
export function simulateQueue(active: ActiveRun[], workers: number): { finishes: Map<string, number>; drain: number } | null {
  if (workers < 1) return null;
  const held = active.filter((r) => r.held);
  const free: number[] = held.map((r) => r.remainingSeconds);
  while (free.length < workers) free.push(0);
  const finishes = new Map<string, number>(held.map((r) => [r.id, r.remainingSeconds]));
  for (const run of active.filter((r) => !r.held)) {
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i] < free[k]) k = i;
    free[k] += run.remainingSeconds;
    finishes.set(run.id, free[k]);
  }
  return { finishes, drain: Math.max(0, ...free) };
}

interface ActiveRow {
  id: string;
  held: boolean;
  dataset: string;
  config: unknown;
  progress: { epoch?: number; batch?: number; batches?: number; samplesPerSecond?: number | null; phase?: string | null } | null;
  lastEpochSpeed: number | null;
}

/** The shape estimates need, or null when the config or dataset is unknown here. */
export function runShape(config: unknown, datasetName: string): RunShape | null {
  const checked = checkConfig(config);
  const dataset = findDataset(datasetName);
  if (!checked.ok || !dataset) return null;
  const split = splitImages(dataset, checked.config);
  return { config: checked.config, parameters: parametersOf(checked.config, dataset.inputSize, dataset.classCount), trainingSamples: split.train, testSamples: split.test };
}

export async function loadQueueSchedule(db: Db, staleSeconds = DEFAULT_STALE_SECONDS): Promise<QueueSchedule> {
  const sql = toSql(db);
  const [model, workers, { rows }] = await Promise.all([
    ThroughputModel.load(sql),
    countLiveWorkers(db, staleSeconds),
    sql.query<ActiveRow>(
      `SELECT r."id", r."workerId" IS NOT NULL AS "held", r."dataset", r."config", r."progress",
         (SELECT e."samplesPerSecond" FROM "Epoch" e WHERE e."runId" = r."id" ORDER BY e."epoch" DESC LIMIT 1) AS "lastEpochSpeed"
       FROM "Run" r WHERE r."status" IN ('QUEUED', 'RUNNING') AND NOT r."cancelRequested"
       ORDER BY r."workerId" IS NOT NULL DESC, r."status" = 'RUNNING' DESC, r."createdAt", r."id"`,
    ),
  ]);
  const runs = new Map<string, ScheduledRun>();
  const active: ActiveRun[] = [];
  for (const row of rows) {
    const shape = runShape(row.config, row.dataset);
    if (!shape) continue;
    const p = row.progress;
    const progress = p ? { epoch: Number(p.epoch ?? 0), batch: Number(p.batch ?? 0), batches: Number(p.batches ?? 0), samplesPerSecond: p.samplesPerSecond ?? null, phase: p.phase ?? null } : null;
    const { seconds, speed, done } = remainingSeconds(model, shape, progress, row.held ? row.lastEpochSpeed : null);
    runs.set(row.id, { id: row.id, epochsDone: Math.floor(done), remainingSeconds: seconds, finishesInSeconds: null, speedSource: speed.source });
    active.push({ id: row.id, held: row.held, remainingSeconds: seconds });
  }
  const simulated = simulateQueue(active, workers);
  if (simulated) for (const [id, t] of simulated.finishes) runs.get(id)!.finishesInSeconds = t;
  return { workers, model, runs, active, drainSeconds: simulated?.drain ?? null };
}
