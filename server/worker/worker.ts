/**
 * The trainer worker loop. Any number of these, on any number of hosts, share one PostgreSQL. The
 * worker orchestrates; every change to a run goes through server/runs/lifecycle.ts under this worker's
 * holder token (a fresh UUID per process, or WORKER_ID from a supervising server):
 *  0. at start, probe what this host can train on (backends best first, cores, memory) and register it
 *     in the Worker table (registry.ts), with the threads its runs get (threadBudget.ts);
 *  1. claim a run (a WAITING one first, else the oldest QUEUED) among those asking for a backend it
 *     offers, or `auto` (routing.ts), unless its models folder is unwritable;
 *  2. load its dataset (cached per process) and train it with the trainer library, from its checkpoint
 *     when it has one, recording each epoch (with its validation confusion matrix) and then the
 *     checkpoint, and live progress (throttled; evaluation steps with their own progress);
 *  3. store the evaluation (with every test image's prediction), robustness curve and summary, then save
 *     the model, then succeed — a failing save leaves a SUCCEEDED run with a warning, never a lost one;
 *  4. with no run waiting, re-evaluate a finished run's saved model when one was asked for (reevaluation.ts).
 * A heartbeat thread (heartbeat.ts) beats for the run whatever the training thread is doing, and says
 * when the run is no longer ours (reaped after this process was stopped, starved or cut off): training
 * then stops and nothing more is written. Cancel: the API sets cancelRequested; the worker hears it
 * (LISTEN, or at the next beat) and stops after the current batch. Shutdown (SIGTERM): the run in hand
 * stops after its batch and is handed back for the next worker to resume. Failures: deterministic ones
 * (failures.ts) fail the run; others fail this attempt and put the run back in the queue. Database
 * outages are waited out with backoff, logged once per doubling of the wait.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { validateConfig } from '../../trainer/config/schema';
import { nativeKernelsNotice, probeCapabilities, type HostCapabilities } from '../../trainer/engine/backend';
import { runExperiment } from '../../trainer/run';
import { encodeTestPredictions } from '../../trainer/eval/testPredictions';
import type { RunResult } from '../../trainer/result';
import { CheckpointError, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import { writableFolderProblem } from '../../trainer/util/writableFolder';
import { diskFullProblem, isDiskFull } from '../util/diskSpace';
import { savedModelProblem } from './modelCheck';
import { newPool } from '../db/pool';
import { describeConnectionError, isConnectionError } from '../db/connectionErrors';
import { loadNamedDataset } from '../datasets/catalog';
import { loadCheckpoint } from '../runs/checkpoints';
import * as lifecycle from '../runs/lifecycle';
import type { ClaimedRun, Holder, StoredPredictions } from '../runs/lifecycle';
import { sweepModelDeletions } from '../runs/modelFiles';
import { DEFAULT_STALE_SECONDS, reapStaleRuns } from '../runs/reaper';
import { DeterministicFailure, isDeterministic } from './failures';
import { Heartbeat, type RunBeat } from './heartbeat';
import { runReevaluation } from './reevaluation';
import { announceWorker, forgetWorker, type WorkerRegistration } from './registry';
import { currentThreadBudget, threadPolicyFromEnv, type ThreadPolicy } from './threadBudget';

export interface WorkerOptions {
  url: string;
  /** Holder token (default: a fresh UUID). A supervising server passes WORKER_ID so it can reap a worker it saw die. */
  id?: string;
  heartbeatMs?: number;
  staleSeconds?: number;
  /** Fallback poll for new work when no notification arrives; also the first retry delay. */
  pollMs?: number;
  /** Where trained models are saved (a folder per run); null to skip saving. */
  modelsDir?: string | null;
  /** Minimum interval between progress writes. */
  progressMs?: number;
  /** Failed attempts that end a run (default RUN_MAX_ATTEMPTS or 3). */
  maxAttempts?: number;
  log?: (message: string) => void;
  /** The trainer (default runExperiment); tests wrap it to simulate long synchronous steps or failures. */
  train?: typeof runExperiment;
  /** What this host offers (default: probeCapabilities()); tests fake a GPU host or a wasm-only one. */
  capabilities?: HostCapabilities;
  /** How the default thread count is chosen (default: WORKER_THREADS and WORKERS_ON_HOST, threadBudget.ts). */
  threadPolicy?: ThreadPolicy;
}

/** The run in hand, and what the heartbeat thread, notifications and refused writes have said about it. */
interface CurrentRun {
  id: string;
  /** Training the run, or re-evaluating its saved model (reevaluation.ts). */
  job: 'run' | 'reevaluation';
  generation: number;
  cancel: boolean;
  /** No longer ours: reaped (and maybe resumed elsewhere) while this worker was silent. */
  lost: boolean;
  /** Its final transition is under way; "not held" answers are then our own doing. */
  ending: boolean;
}

/** Thrown out of the trainer's callbacks when a write is refused because the run is no longer ours. */
class LostRun extends Error {}

const MODELS_RECHECK_MS = 10_000;
const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class TrainerWorker {
  readonly holder: Holder;
  private pool: pg.Pool;
  private listener: pg.Client | null = null;
  private listenRetry: NodeJS.Timeout | null = null;
  private listenFailures = 0;
  private heartbeat: Heartbeat;
  private databaseOk = true;
  private stopping = false;
  private wake: (() => void) | null = null;
  private current: CurrentRun | null = null;
  private loop: Promise<void> | null = null;
  private modelsProblem: string | null = null;
  private modelsCheckedAt = 0;
  private probed: Promise<HostCapabilities> | null = null;
  /** What the registry row says (and the heartbeat thread refreshes); null before start. */
  private registration: WorkerRegistration | null = null;
  private readonly opts: Required<Omit<WorkerOptions, 'modelsDir' | 'id' | 'capabilities' | 'threadPolicy'>> & { modelsDir: string | null; capabilities?: HostCapabilities; threadPolicy: ThreadPolicy };

  constructor(options: WorkerOptions) {
    this.opts = {
      heartbeatMs: Number(process.env.WORKER_HEARTBEAT_MS) || 2000,
      staleSeconds: DEFAULT_STALE_SECONDS,
      pollMs: 2000,
      progressMs: 500,
      maxAttempts: lifecycle.MAX_ATTEMPTS,
      log: (m) => console.log(`[worker ${process.pid}] ${m}`),
      train: runExperiment,
      ...options,
      modelsDir: options.modelsDir === undefined ? path.resolve(process.env.MODELS_DIR ?? 'models') : options.modelsDir,
      threadPolicy: options.threadPolicy ?? threadPolicyFromEnv(),
    };
    this.holder = { id: options.id ?? crypto.randomUUID(), host: os.hostname(), pid: process.pid };
    // A connection the server drops (database restart) must not crash the worker; the pool replaces it.
    this.pool = newPool({ connectionString: options.url, max: 4 });
    this.heartbeat = new Heartbeat({
      url: options.url,
      holder: this.holder,
      intervalMs: this.opts.heartbeatMs,
      onRun: (beat) => this.onBeat(beat),
      onDatabase: (ok, error) => this.onDatabase(ok, error),
    });
  }

  async start(): Promise<void> {
    const capabilities = await this.capabilities();
    const modelsProblem = await this.checkModels();
    const threads = await this.threadBudget(capabilities).catch(() => this.opts.threadPolicy.fixed ?? 1);
    this.registration = { ...this.holder, backends: capabilities.backends, cores: capabilities.cores, memoryBytes: capabilities.memoryBytes, threads, modelsProblem };
    this.heartbeat.start(this.registration);
    await announceWorker(this.pool, this.registration).catch(() => {});
    this.opts.log(`backends ${capabilities.backends.map((b) => (b.device === 'gpu' ? `${b.backend} (GPU: ${b.detail})` : b.kernels ? `${b.backend} + ${b.kernels}` : b.backend)).join(', ')}; ${capabilities.cores} cores, ${threads} thread(s) per run`);
    const notice = capabilities.backends.some((b) => b.backend === 'wasm') ? nativeKernelsNotice('wasm') : null;
    if (notice) this.opts.log(notice);
    await this.listen().catch(() => this.relisten(null));
    this.loop = this.run();
  }

  /** What this host can train on (probed once). */
  capabilities(): Promise<HostCapabilities> {
    return (this.probed ??= this.opts.capabilities ? Promise.resolve(this.opts.capabilities) : probeCapabilities());
  }

  /** The threads a run whose config says 0 gets now: this worker's share of its host (threadBudget.ts). */
  private threadBudget(capabilities: HostCapabilities): Promise<number> {
    return currentThreadBudget(this.pool, this.opts.threadPolicy, this.holder, capabilities.cores, this.opts.staleSeconds);
  }

  /** Changes the registry row (the heartbeat thread writes it at its next beat). */
  private updateRegistration(change: Partial<Pick<WorkerRegistration, 'threads' | 'modelsProblem'>>) {
    if (!this.registration) return;
    const next = { ...this.registration, ...change };
    if (next.threads === this.registration.threads && next.modelsProblem === this.registration.modelsProblem) return;
    this.registration = next;
    this.heartbeat.register(next);
  }

  /** Stops after the current batch; an interrupted run is handed back for the next worker to resume. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop?.catch(() => {});
    await this.heartbeat.stop();
    await forgetWorker(this.pool, this.holder.id).catch(() => {});
    if (this.listenRetry) clearTimeout(this.listenRetry);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }

  /** Takes the next run this worker's backends fit (see lifecycle.claim); exposed for tests of the queue. */
  async claim(): Promise<ClaimedRun | null> {
    const { backends } = await this.capabilities();
    return lifecycle.claim(this.pool, this.holder, backends.map((b) => b.backend));
  }

  // ---- hearing about the run in hand ---------------------------------------------------------------

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url });
    client.on('notification', (msg) => this.onNotification(msg.payload));
    client.on('error', () => this.relisten(client));
    client.on('end', () => this.relisten(client));
    await client.connect();
    await client.query('LISTEN run_events');
    this.listener = client;
    this.listenFailures = 0;
  }

  /** The LISTEN connection dropped (database restart): reconnect with backoff; polling covers the gap. */
  private relisten(client: pg.Client | null) {
    if (this.stopping || this.listenRetry || (client && this.listener && this.listener !== client)) return;
    this.listener = null;
    client?.end().catch(() => {});
    const delay = Math.min(this.opts.pollMs * 2 ** this.listenFailures++, 30_000);
    this.listenRetry = setTimeout(() => {
      this.listenRetry = null;
      void this.listen().catch(() => this.relisten(null));
    }, delay);
    this.listenRetry.unref();
  }

  private onNotification(payload: string | undefined) {
    if (!payload) return;
    let event: { type: string; kind?: string; runId: string; status?: string; reevaluation?: string };
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    if (event.type !== 'run') return;
    // A handed-back run is found by the next poll (pollMs): waking on every RUNNING update would mean a
    // claim query per progress write.
    if (event.status === 'QUEUED' && (event.kind === 'created' || event.kind === 'status')) this.wake?.();
    if (event.reevaluation === 'QUEUED') this.wake?.();
    const current = this.current;
    if (current && current.job === 'run' && event.runId === current.id && !current.cancel && !current.lost) {
      void lifecycle.holdState(this.pool, this.holder, current.id).then(
        (s) => this.heard(current, s.held, s.cancelRequested),
        () => {},
      );
    }
  }

  private onBeat(beat: RunBeat) {
    const current = this.current;
    if (!current || current.id !== beat.runId || current.generation !== beat.generation || !this.heartbeat.isCurrent(beat.generation)) return;
    this.heard(current, beat.held, beat.cancelRequested);
  }

  private heard(current: CurrentRun, held: boolean, cancelRequested: boolean) {
    if (!held) this.markLost(current);
    else if (cancelRequested) current.cancel = true;
  }

  private markLost(current: CurrentRun) {
    if (!current.ending) current.lost = true;
  }

  private onDatabase(ok: boolean, error?: string) {
    if (ok === this.databaseOk) return;
    this.databaseOk = ok;
    this.opts.log(ok ? 'heartbeat: database reachable again' : `heartbeat: database unreachable (${error}); training goes on, writes wait for it`);
  }

  // ---- the loop -------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await reapStaleRuns(this.pool, this.opts.staleSeconds);
        // Workers may have joined or left this host since the last run: take the share of now.
        this.updateRegistration({ threads: await this.threadBudget(await this.capabilities()) });
        const run = (await this.checkModels()) ? null : await this.claim();
        // Training first; a re-evaluation (no training, no model to save) when no run waits.
        const job = run ? null : await lifecycle.claimReevaluation(this.pool, this.holder, (await this.capabilities()).backends.map((b) => b.backend));
        if (failures > 0) this.opts.log(`database reachable again after ${failures} failed tr${failures === 1 ? 'y' : 'ies'}`);
        failures = 0;
        if (run) await this.execute(run);
        else if (job) await this.reevaluate(job);
        else {
          // Idle: remove model folders of runs deleted through a server on another host (modelFiles.ts).
          if (this.opts.modelsDir) await sweepModelDeletions(this.pool, this.opts.modelsDir, this.holder.host);
          await this.idle(this.opts.pollMs);
        }
      } catch (err) {
        failures += 1;
        const delay = Math.min(this.opts.pollMs * 2 ** (failures - 1), 30_000);
        // Logged at tries 1, 2, 4, 8, …: an outage of an hour makes about a dozen lines, not 1,800.
        if (isPowerOfTwo(failures)) {
          const what = isConnectionError(err) ? `database unreachable (${describeConnectionError(err)})` : `loop error: ${(err as Error).message}`;
          this.opts.log(`${what}; retrying in ${delay / 1000} s${failures > 1 ? ` (${failures} tries so far)` : ''}`);
        }
        await this.idle(delay);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
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
   * Whether this worker can save models (MODELS_DIR is a writable folder), rechecked every few seconds
   * while it is not. A worker that cannot claims no runs: it would train them only to fail at the end.
   */
  private async checkModels(): Promise<string | null> {
    if (!this.opts.modelsDir) return null;
    if (this.modelsCheckedAt && Date.now() - this.modelsCheckedAt < MODELS_RECHECK_MS) return this.modelsProblem;
    // A full disk is found before a run starts, not as a truncated weights.bin after it trained.
    const problem = (await writableFolderProblem(this.opts.modelsDir, 'models folder (MODELS_DIR)')) ?? diskFullProblem(this.opts.modelsDir, 'MODELS_DIR');
    if (problem !== this.modelsProblem || !this.modelsCheckedAt) {
      if (problem) this.opts.log(`cannot save models: ${problem}. This worker takes no runs until it can`);
      else if (this.modelsProblem) this.opts.log('the models folder is writable again; taking runs');
      this.updateRegistration({ modelsProblem: problem });
    }
    this.modelsProblem = problem;
    this.modelsCheckedAt = Date.now();
    return problem;
  }

  /**
   * Runs a database write, waiting out outages (backoff 0.5 s doubling to 10 s, logged at each doubling)
   * while the worker is not shutting down; training needs no database, so a run survives a restart of it.
   */
  private async persist<T>(what: string, write: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        const value = await write();
        if (tries > 1) this.opts.log(`database reachable again: ${what} done`);
        return value;
      } catch (err) {
        if (!isConnectionError(err) || this.stopping) throw err;
        const delay = Math.min(500 * 2 ** (tries - 1), 10_000);
        if (isPowerOfTwo(tries)) this.opts.log(`database unreachable while ${what} (${describeConnectionError(err)}); retrying in ${delay / 1000} s`);
        await sleep(delay);
      }
    }
  }

  // ---- one re-evaluation ----------------------------------------------------------------------------

  private async reevaluate(job: lifecycle.ClaimedReevaluation): Promise<void> {
    const current: CurrentRun = { id: job.runId, job: 'reevaluation', generation: this.heartbeat.hold(job.runId, 'reevaluation'), cancel: false, lost: false, ending: false };
    this.current = current;
    try {
      await runReevaluation(job, {
        pool: this.pool,
        holder: this.holder,
        log: this.opts.log,
        persist: (what, write) => this.persist(what, write),
        lost: () => current.lost,
        stopping: () => this.stopping,
        progressMs: this.opts.progressMs,
      });
    } finally {
      current.ending = true;
      this.heartbeat.release();
      this.current = null;
    }
  }

  // ---- one run --------------------------------------------------------------------------------------

  private async execute(run: ClaimedRun): Promise<void> {
    const current: CurrentRun = { id: run.id, job: 'run', generation: this.heartbeat.hold(run.id), cancel: false, lost: false, ending: false };
    this.current = current;
    this.opts.log(`training ${run.id} (${run.name}) on ${run.dataset}, attempt ${run.attempt}`);
    /** A refused write means the run is no longer ours: stop everything about it. */
    const mine = (applied: boolean) => {
      if (!applied) this.markLost(current);
      if (current.lost) throw new LostRun();
    };
    const modelDir = this.opts.modelsDir ? path.join(this.opts.modelsDir, run.id) : null;
    const state: { resultsStored: boolean; predictions: StoredPredictions | null } = { resultsStored: false, predictions: null };
    let phase = 'loading';
    let label: string | null = null;
    let lastProgress = 0;
    let progressInFlight = false;
    /** A forced write (a new phase or step) that arrived while another was in flight: sent right after it. */
    let pending: Record<string, unknown> | null = null;
    let writing: Promise<void> = Promise.resolve();
    const send = (progress: Record<string, unknown>) => {
      lastProgress = Date.now();
      progressInFlight = true;
      writing = lifecycle
        .reportProgress(this.pool, this.holder, run.id, progress)
        .then((applied) => void (applied || this.markLost(current)), () => {})
        .finally(() => {
          progressInFlight = false;
          const next = pending;
          pending = null;
          if (next) send(next);
        });
    };
    /** Waits for progress writes in flight, so none lands after the results (which set their own progress). */
    const progressSettled = async () => {
      while (progressInFlight) await writing;
    };
    /** At most one write per progressMs, except that a new phase or step is always written. */
    const writeProgress = (progress: Record<string, unknown>, force = false) => {
      const withPhase = { ...progress, phase };
      if (progressInFlight) {
        if (force) pending = withPhase;
        return;
      }
      if (force || Date.now() - lastProgress >= this.opts.progressMs) send(withPhase);
    };
    try {
      const { config, dataset } = await TrainerWorker.prepare(run);
      const resumeFrom = run.resumeAfterEpoch > 0 ? await this.resumePoint(run, mine) : null;
      let epochsDone = resumeFrom?.history.length ?? 0;
      const train = (from: TrainingCheckpoint | null) =>
        this.opts.train(config, {
          dataset,
          preset: run.preset,
          saveModelDir: modelDir ?? undefined,
          resumeFrom: from,
          threadBudget: this.registration?.threads,
          onEvaluated: async (result) => {
            await progressSettled();
            mine(await this.persist('storing the results', () => lifecycle.storeResults(this.pool, this.holder, run.id, result, state.predictions)));
            state.resultsStored = true;
          },
          callbacks: {
            onPhase: (p) => {
              phase = p;
              writeProgress({ epoch: epochsDone, epochs: config.epochs, batch: 0, batches: 0 }, true);
            },
            onBatch: (p) => writeProgress({ epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, samplesPerSecond: p.samplesPerSecond }),
            onPhaseProgress: (p) => {
              const step = p.label !== label;
              label = p.label;
              writeProgress({ epoch: epochsDone, epochs: config.epochs, batch: 0, batches: 0, label: p.label, done: p.done, total: p.total }, step);
            },
            onTestSamples: (samples) => {
              const classes = dataset.classNames.length;
              state.predictions = { data: encodeTestPredictions(samples, classes), count: samples.indices.length, classes, sources: dataset.sources };
            },
            onEpoch: async (m, details) => mine(await this.persist(`storing epoch ${m.epoch}`, () => lifecycle.recordEpoch(this.pool, this.holder, run.id, m, details.valConfusion))),
            onCheckpoint: async (c) => {
              epochsDone = c.history.length;
              mine((await this.persist('storing the checkpoint', () => lifecycle.storeCheckpoint(this.pool, this.holder, run.id, c))) !== null);
            },
            shouldStop: () => current.cancel || current.lost || this.stopping,
          },
        });
      let result: RunResult;
      try {
        result = await train(resumeFrom);
      } catch (err) {
        if (!(err instanceof CheckpointError)) throw err;
        // E.g. the dataset behind the run's name changed while it waited: its epochs are not this data's.
        this.opts.log(`run ${run.id}: ${err.message}; training again from epoch 1`);
        mine(await this.persist('dropping the checkpoint', () => lifecycle.restartFromScratch(this.pool, this.holder, run.id)));
        epochsDone = 0;
        result = await train(null);
      }
      await this.finish(run, current, result, modelDir, state.resultsStored, state.predictions, mine);
    } catch (err) {
      await this.failed(run, current, err, state.resultsStored).catch((e: Error) => this.opts.log(`run ${run.id}: could not record how attempt ${run.attempt} ended (${e.message}); the reaper will put it back in the queue`));
    } finally {
      current.ending = true;
      this.heartbeat.release();
      this.current = null;
    }
  }

  /** The run's config and dataset; a failure here is the run's own (deterministic), not the attempt's. */
  private static async prepare(run: ClaimedRun) {
    try {
      return { config: validateConfig(run.config), dataset: await loadNamedDataset(run.dataset) };
    } catch (err) {
      throw new DeterministicFailure(err);
    }
  }

  /**
   * The checkpoint to resume from (claim dropped the epochs written after it). One that cannot be
   * read means training again from epoch 1.
   */
  private async resumePoint(run: ClaimedRun, mine: (applied: boolean) => void): Promise<TrainingCheckpoint | null> {
    const loaded = await this.persist('loading the checkpoint', () => loadCheckpoint(this.pool, run.id));
    if (loaded && 'checkpoint' in loaded) {
      this.opts.log(`resuming ${run.id} after epoch ${loaded.checkpoint.history.length}`);
      return loaded.checkpoint;
    }
    this.opts.log(`run ${run.id}: its checkpoint ${loaded ? `cannot be read (${loaded.unreadable})` : 'is gone'}; training again from epoch 1`);
    mine(await this.persist('dropping the checkpoint', () => lifecycle.restartFromScratch(this.pool, this.holder, run.id)));
    return null;
  }

  private async finish(run: ClaimedRun, current: CurrentRun, result: RunResult, modelDir: string | null, resultsStored: boolean, predictions: StoredPredictions | null, mine: (applied: boolean) => void) {
    if (current.lost) return this.logLost(run);
    if (result.cancelled) {
      current.ending = true;
      if (current.cancel) {
        if (await this.persist('ending the cancelled run', () => lifecycle.endCancelled(this.pool, this.holder, run.id, result))) {
          this.opts.log(`cancelled ${run.id} after ${result.history.length} epoch(s), as asked`);
        } else this.logLost(run);
        return;
      }
      // Shutdown, not a user's cancel: the run waits for the next worker to resume it.
      const back = await this.persist('handing the run back', () => lifecycle.handBack(this.pool, this.holder.id, run.id, 'its worker shut down'));
      if (back.length) this.opts.log(`handed back ${run.id} after epoch ${result.history.length}`);
      else this.logLost(run);
      return;
    }
    if (!resultsStored) mine(await this.persist('storing the results', () => lifecycle.storeResults(this.pool, this.holder, run.id, result, predictions)));
    current.ending = true;
    const damaged = modelDir ? await savedModelProblem(modelDir) : null;
    if (damaged) {
      const warning = `The model was not saved (${damaged}${diskFullProblem(modelDir!, 'MODELS_DIR') ? `; ${diskFullProblem(modelDir!, 'MODELS_DIR')}` : ''}); the run's results are complete.`;
      this.opts.log(`run ${run.id}: ${warning}`);
      this.modelsCheckedAt = 0; // look at the disk again before the next claim
      await rm(modelDir!, { recursive: true, force: true }).catch(() => {});
      if (!(await this.persist('finishing the run', () => lifecycle.succeed(this.pool, this.holder, run.id, { modelPath: null, warning })))) this.logLost(run);
      return;
    }
    if (await this.persist('finishing the run', () => lifecycle.succeed(this.pool, this.holder, run.id, { modelPath: modelDir }))) {
      this.opts.log(`finished ${run.id}: test accuracy ${((result.test?.accuracy ?? 0) * 100).toFixed(2)}%`);
    } else this.logLost(run);
  }

  /** How an attempt that threw ends: lost, succeeded without its model, failed for good, or retried. */
  private async failed(run: ClaimedRun, current: CurrentRun, err: unknown, resultsStored: boolean): Promise<void> {
    if (current.lost || err instanceof LostRun) return this.logLost(run);
    const diskFull = isDiskFull(err);
    // "disk full" leads the reason, so the run's error says what to fix; the disk is looked at again before the next claim.
    const message = `${diskFull ? 'disk full: ' : ''}${err instanceof Error ? err.message : String(err)}`;
    if (diskFull) this.modelsCheckedAt = 0;
    current.ending = true;
    if (resultsStored) {
      // Only the model save can throw after the results are stored: they are complete, keep them.
      const warning = `The model was not saved (${message}); the run's results are complete.`;
      this.opts.log(`run ${run.id}: ${warning}`);
      if (!(await this.persist('finishing the run', () => lifecycle.succeed(this.pool, this.holder, run.id, { modelPath: null, warning })))) this.logLost(run);
      return;
    }
    if (isDeterministic(err)) {
      this.opts.log(`run ${run.id} failed (not retried: another attempt would fail the same way): ${message}`);
      if (!(await this.persist('recording the failure', () => lifecycle.fail(this.pool, this.holder, run.id, message)))) this.logLost(run);
      return;
    }
    this.opts.log(`run ${run.id} attempt ${run.attempt} failed: ${err instanceof Error ? err.stack : message}`);
    const ended = await this.persist('recording the failure', () => lifecycle.retry(this.pool, this.holder, run.id, message, this.opts.maxAttempts));
    if (!ended) this.logLost(run);
    else if (ended.status === 'RUNNING') this.opts.log(`run ${run.id} is back in the queue for another attempt`);
    else this.opts.log(`run ${run.id} ${ended.status === 'FAILED' ? `FAILED: that was its last attempt (RUN_MAX_ATTEMPTS=${this.opts.maxAttempts})` : 'CANCELLED, as asked'}`);
  }

  private logLost(run: ClaimedRun) {
    this.opts.log(
      `run ${run.id}: no longer this worker's. It was put back in the queue (and may be training elsewhere) while this ` +
        'worker was silent — stopped, starved or cut off from the database. Stopped working on it; nothing more was written to it',
    );
  }
}
