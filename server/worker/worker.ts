/**
 * The trainer worker loop. Any number of these, on any number of hosts, share one PostgreSQL:
 *  1. claim a run atomically (`FOR UPDATE SKIP LOCKED`, so two workers never take the same run),
 *     recording host, pid and a first heartbeat: first a RUNNING run that another worker handed back
 *     (runs/handBack.ts), else the oldest QUEUED run;
 *  2. load its dataset (cached per process) and train it with the trainer library, from its checkpoint
 *     when it has one, writing each epoch and a checkpoint as it finishes, live progress (throttled)
 *     and a heartbeat every few seconds;
 *  3. store the evaluation, robustness curve and summary, and mark it SUCCEEDED / CANCELLED / FAILED.
 * Every write is announced on `run_events` by database triggers. Cancel: cancelRun sets
 * cancelRequested; the worker hears it (LISTEN, or at the next heartbeat) and stops after the current
 * batch. Shutdown (SIGTERM): the run in hand stops after its batch and is handed back, still RUNNING,
 * for the next worker to resume from the last finished epoch.
 */
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { validateConfig } from '../../trainer/config/schema';
import { runExperiment } from '../../trainer/run';
import type { EpochMetrics, RunResult } from '../../trainer/result';
import { CheckpointError, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import { createDb, Prisma, type PrismaClient } from '../db/client';
import { loadNamedDataset } from '../datasets/catalog';
import { DEFAULT_STALE_SECONDS, reapStaleRuns } from '../runs/reaper';
import { discardCheckpoint, loadCheckpoint, saveCheckpoint } from '../runs/checkpoints';
import { handBackRun } from '../runs/handBack';
import { announceWorker, forgetWorker } from './registry';

export interface WorkerOptions {
  url: string;
  heartbeatMs?: number;
  staleSeconds?: number;
  /** Fallback poll for new work when no notification arrives. */
  pollMs?: number;
  /** Where trained models are saved (a folder per run); null to skip saving. */
  modelsDir?: string | null;
  /** Minimum interval between progress writes. */
  progressMs?: number;
  log?: (message: string) => void;
}

interface ClaimedRun {
  id: string;
  name: string;
  preset: string | null;
  dataset: string;
  config: unknown;
}

export class TrainerWorker {
  readonly host = os.hostname();
  readonly pid = process.pid;
  private prisma: PrismaClient;
  /** The pool under Prisma, for checkpoint bytes (runs/checkpoints.ts says why). */
  private pool: pg.Pool;
  private closeDb: () => Promise<void>;
  private listener: pg.Client | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private current: { id: string; cancel: boolean } | null = null;
  private loop: Promise<void> | null = null;
  private pulse: NodeJS.Timeout | null = null;
  private readonly opts: Required<Omit<WorkerOptions, 'modelsDir'>> & { modelsDir: string | null };

  constructor(options: WorkerOptions) {
    this.opts = {
      heartbeatMs: Number(process.env.WORKER_HEARTBEAT_MS) || 2000,
      staleSeconds: DEFAULT_STALE_SECONDS,
      pollMs: 2000,
      progressMs: 500,
      log: (m) => console.log(`[worker ${this.pid}] ${m}`),
      ...options,
      modelsDir: options.modelsDir === undefined ? path.resolve(process.env.MODELS_DIR ?? 'models') : options.modelsDir,
    };
    ({ prisma: this.prisma, pool: this.pool, close: this.closeDb } = createDb(options.url, { max: 4 }));
  }

  async start(): Promise<void> {
    this.listener = new pg.Client({ connectionString: this.opts.url });
    this.listener.on('notification', (msg) => this.onNotification(msg.payload));
    this.listener.on('error', (err) => this.opts.log(`listener error: ${err.message}`));
    await this.listener.connect();
    await this.listener.query('LISTEN run_events');
    await announceWorker(this.prisma, this);
    this.pulse = setInterval(() => this.beat(), this.opts.heartbeatMs);
    this.pulse.unref();
    this.loop = this.run();
  }

  /** Stops after the current batch; an interrupted run is handed back for the next worker to resume. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop?.catch(() => {});
    if (this.pulse) clearInterval(this.pulse);
    await forgetWorker(this.prisma, this).catch(() => {});
    await this.listener?.end().catch(() => {});
    await this.closeDb();
  }

  private onNotification(payload: string | undefined) {
    if (!payload) return;
    let event: { type: string; kind?: string; runId: string; status?: string };
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    if (event.type !== 'run') return;
    // A handed-back run is found by the next poll (pollMs): waking on every RUNNING update would mean a
    // claim query per progress write.
    if (event.status === 'QUEUED' && (event.kind === 'created' || event.kind === 'status')) this.wake?.();
    if (this.current && event.runId === this.current.id && !this.current.cancel) void this.checkCancel();
  }

  /**
   * Every heartbeatMs: the worker's presence (registry.ts) and, while it trains, the run's heartbeat
   * plus a cancel check in case a notification was missed.
   */
  private beat() {
    void announceWorker(this.prisma, this).catch(() => {});
    const current = this.current;
    if (!current) return;
    void this.prisma.run.updateMany({ where: this.held(current.id), data: { heartbeatAt: new Date() } }).catch(() => {});
    void this.checkCancel();
  }

  /**
   * The run, while it is still RUNNING in this worker's hands. Every write during and after training is
   * conditioned on it: one landing after the run was handed back, cancelled or reaped would give it a
   * heartbeat that goes stale (and the reaper would fail it), stale progress, or a result not ours.
   */
  private held(runId: string) {
    return { id: runId, status: 'RUNNING' as const, workerPid: this.pid, workerHost: this.host };
  }

  private async checkCancel() {
    const current = this.current;
    if (!current) return;
    const row = await this.prisma.run.findUnique({ where: { id: current.id }, select: { cancelRequested: true, status: true } }).catch(() => null);
    // A run deleted or finished by someone else (e.g. marked FAILED as stale) is not ours to finish.
    if (!row || row.cancelRequested || row.status !== 'RUNNING') current.cancel = true;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await reapStaleRuns(this.prisma, this.opts.staleSeconds);
        const run = await this.claim();
        if (run) await this.execute(run);
        else await this.idle();
      } catch (err) {
        this.opts.log(`loop error: ${(err as Error).message}`);
        await this.idle();
      }
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.opts.pollMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * Atomically takes a run no worker holds: a handed-back RUNNING run first (it was started earlier and
   * people are watching it), else the oldest QUEUED one. Concurrent workers skip rows another one has
   * locked. A resumed run keeps its original start time.
   */
  async claim(): Promise<ClaimedRun | null> {
    const rows = await this.prisma.$queryRaw<ClaimedRun[]>`
      UPDATE "Run" SET "status" = 'RUNNING', "startedAt" = coalesce("startedAt", now()), "heartbeatAt" = now(),
        "workerHost" = ${this.host}, "workerPid" = ${this.pid}, "error" = NULL,
        "progress" = jsonb_build_object('phase', 'loading', 'epoch', 0, 'epochs', ("config"->>'epochs')::int, 'batch', 0, 'batches', 0)
      WHERE "id" = (
        SELECT "id" FROM "Run"
        WHERE ("status" = 'QUEUED' OR ("status" = 'RUNNING' AND "workerPid" IS NULL)) AND NOT "cancelRequested"
        ORDER BY "status" = 'RUNNING' DESC, "createdAt", "id" FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING "id", "name", "preset", "dataset", "config"`;
    return rows[0] ?? null;
  }

  /**
   * The checkpoint to resume a claimed run from, with its epochs made consistent with it: epochs
   * written after the checkpoint (the worker stopped between the two writes) are trained again, so they
   * are removed. Without a usable checkpoint the run starts from epoch 1 and keeps no epochs.
   */
  private async resumePoint(runId: string): Promise<TrainingCheckpoint | null> {
    const loaded = await loadCheckpoint(this.pool, runId);
    if (loaded && 'unreadable' in loaded) this.opts.log(`run ${runId}: its checkpoint cannot be read (${loaded.unreadable}); training again from epoch 1`);
    const checkpoint = loaded && 'checkpoint' in loaded ? loaded.checkpoint : null;
    const kept = checkpoint?.history.length ?? 0;
    await this.prisma.epoch.deleteMany({ where: { runId, epoch: { gt: kept } } });
    if (checkpoint) this.opts.log(`resuming ${runId} after epoch ${kept}`);
    return checkpoint;
  }

  private async execute(run: ClaimedRun): Promise<void> {
    const current = { id: run.id, cancel: false };
    this.current = current;
    this.opts.log(`training ${run.id} (${run.name}) on ${run.dataset}`);
    let phase = 'loading';
    let lastProgress = 0;
    let progressInFlight = false;
    const writeProgress = (progress: Record<string, unknown>) => {
      const now = Date.now();
      if (progressInFlight || now - lastProgress < this.opts.progressMs) return;
      lastProgress = now;
      progressInFlight = true;
      this.prisma.run
        .updateMany({ where: this.held(run.id), data: { progress: { ...progress, phase } } })
        .catch(() => {})
        .finally(() => (progressInFlight = false));
    };
    try {
      const config = validateConfig(run.config);
      const dataset = await loadNamedDataset(run.dataset);
      const resumeFrom = await this.resumePoint(run.id);
      let epochsDone = resumeFrom?.history.length ?? 0;
      const train = (from: TrainingCheckpoint | null) =>
        runExperiment(config, {
          dataset,
          preset: run.preset,
          saveModelDir: this.opts.modelsDir ? path.join(this.opts.modelsDir, run.id) : undefined,
          resumeFrom: from,
          callbacks: {
            onPhase: (p) => {
              phase = p;
              lastProgress = 0;
              writeProgress({ epoch: epochsDone, epochs: config.epochs, batch: 0, batches: 0 });
            },
            onBatch: (p) => writeProgress({ epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, samplesPerSecond: p.samplesPerSecond }),
            onEpoch: (m) => this.writeEpoch(run.id, m),
            onCheckpoint: async (c) => {
              epochsDone = c.history.length;
              await saveCheckpoint(this.pool, run.id, this, c);
            },
            shouldStop: () => current.cancel || this.stopping,
          },
        });
      let result: RunResult;
      try {
        result = await train(resumeFrom);
      } catch (err) {
        if (!(err instanceof CheckpointError)) throw err;
        // E.g. the dataset behind the run's name changed while it waited: its epochs are not this data's.
        this.opts.log(`run ${run.id}: ${err.message}; training again from epoch 1`);
        await discardCheckpoint(this.pool, run.id);
        await this.prisma.epoch.deleteMany({ where: { runId: run.id } });
        epochsDone = 0;
        result = await train(null);
      }
      await this.finish(run, result, current.cancel);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log(`run ${run.id} failed: ${err instanceof Error ? err.stack : message}`);
      await this.prisma.run.updateMany({
        where: this.held(run.id),
        data: { status: 'FAILED', finishedAt: new Date(), progress: Prisma.DbNull, error: message },
      });
    } finally {
      this.current = null;
    }
  }

  private async writeEpoch(runId: string, m: EpochMetrics) {
    await this.prisma.epoch.create({ data: { runId, ...m } });
  }

  private async finish(run: ClaimedRun, result: RunResult, cancelled: boolean) {
    const mine = this.held(run.id);
    if (result.cancelled && !cancelled && this.stopping) {
      // Shutdown, not a user's cancel: the run stays RUNNING for the next worker to resume.
      if (await handBackRun(this.prisma, run.id, this)) this.opts.log(`handed back ${run.id} after epoch ${result.history.length}`);
      return;
    }
    const durationSeconds = result.timings.totalSeconds;
    const common = {
      finishedAt: new Date(),
      progress: Prisma.DbNull,
      backend: result.backend,
      codeVersion: result.codeVersion,
      parameters: result.parameters,
      bestEpoch: result.history.length ? result.bestEpoch : null,
      stoppedEarly: result.stoppedEarly,
      durationSeconds,
      valAccuracy: result.validation?.accuracy ?? (result.history.length ? result.history[result.history.length - 1].valAccuracy : null),
      summary: { dataset: result.dataset, timings: result.timings } as object,
    };
    if (result.cancelled || !result.test) {
      await this.prisma.run.updateMany({ where: mine, data: { ...common, status: 'CANCELLED' } });
      this.opts.log(`cancelled ${run.id} after ${result.history.length} epoch(s)`);
      return;
    }
    const test = result.test;
    await this.prisma.$transaction([
      this.prisma.evaluation.create({
        data: {
          runId: run.id,
          accuracy: test.accuracy,
          macroF1: test.macroF1,
          crossEntropy: test.crossEntropy,
          trainAccuracy: result.train?.accuracy,
          trainLoss: result.train?.crossEntropy,
          valAccuracy: result.validation?.accuracy,
          valLoss: result.validation?.crossEntropy,
          count: test.count,
          perClass: test.perClass as unknown as object,
          confusion: test.confusion,
          classNames: result.dataset.classNames,
        },
      }),
      this.prisma.robustnessPoint.createMany({ data: result.robustness.points.map((p) => ({ runId: run.id, sigma: p.sigma, accuracy: p.accuracy })), skipDuplicates: true }),
      this.prisma.run.updateMany({
        where: mine,
        data: {
          ...common,
          status: 'SUCCEEDED',
          testAccuracy: test.accuracy,
          macroF1: test.macroF1,
          modelPath: this.opts.modelsDir ? path.join(this.opts.modelsDir, run.id) : null,
        },
      }),
    ]);
    this.opts.log(`finished ${run.id}: test accuracy ${(test.accuracy * 100).toFixed(2)}%`);
  }
}
