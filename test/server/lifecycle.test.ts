/**
 * The run state machine (server/runs/lifecycle.ts) against a real PostgreSQL: every transition from
 * every state, by the holder and by a stranger. Legal ones land in the state the table in
 * lifecycle.ts names; every illegal one is refused — its return value says so and the run is exactly
 * as it was. Also: the retry limit and its reasons, hand-backs that do not count, the stale reaper. The
 * same for re-evaluation jobs, and what training writes for error analysis (per-epoch confusion, test
 * predictions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { newPool } from '../../server/db/pool';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded';
import { migrate } from '../../server/db/migrate';
import * as lifecycle from '../../server/runs/lifecycle';
import type { Holder } from '../../server/runs/lifecycle';
import type { RunResult } from '../../trainer/result';
import type { TrainingCheckpoint } from '../../trainer/train/checkpoint';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { databaseOlderThan, newHolder, runRow } from './faults';

let tmp: string;
let server: EmbeddedDatabase;
let url: string;
let prisma: PrismaClient;
let pool: pg.Pool;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-lifecycle-test-'));
  server = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg') });
  url = await server.database('lifecycle');
  await migrate(url);
  prisma = createPrisma(url);
  pool = newPool({ connectionString: url, max: 4 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  await prisma.run.deleteMany({});
});

const A = newHolder(1001);
const B = newHolder(1002);
/** What a worker offering every backend passes to claim. */
const EVERY_BACKEND = ['tensorflow', 'wasm', 'cpu'];

const epoch = (n: number) => ({ epoch: n, lr: 0.01, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 100 });
const checkpoint = (epochs: number) => ({ history: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1 })) }) as unknown as TrainingCheckpoint;
const result = {
  backend: 'cpu',
  codeVersion: 'test',
  parameters: 10,
  history: [epoch(1)],
  bestEpoch: 1,
  stoppedEarly: false,
  cancelled: false,
  threads: 3,
  compute: 'cpu + JavaScript, 3 threads',
  timings: { totalSeconds: 2, trainSeconds: 1, evalSeconds: 1, meanEpochSeconds: 1, samplesPerSecond: 100 },
  dataset: { name: 'mnist', classNames: ['0', '1'], imageSize: { rows: 28, cols: 28 }, splitSizes: { train: 1, val: 1, test: 1 }, sources: [] },
  train: { accuracy: 0.9, crossEntropy: 0.3 },
  validation: { accuracy: 0.8, crossEntropy: 0.4 },
  test: { count: 2, accuracy: 0.5, macroF1: 0.4, crossEntropy: 0.7, perClass: [], confusion: [[1, 0], [1, 0]] },
  robustness: { clip: true, points: [{ sigma: 0, accuracy: 0.5 }] },
} as unknown as RunResult;

// ---- the states, made directly in the database ------------------------------------------------------

type StateName = 'QUEUED' | 'HELD' | 'HELD+results' | 'HELD+cancel' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A run in the named state, held (where held) by A, with one epoch and a checkpoint where it ran. */
async function makeRun(state: StateName): Promise<string> {
  const held = { status: 'RUNNING', startedAt: new Date(), heartbeatAt: new Date(), workerId: A.id, workerHost: A.host, workerPid: A.pid };
  const data: Record<string, Record<string, unknown>> = {
    QUEUED: {},
    HELD: held,
    'HELD+results': held,
    'HELD+cancel': { ...held, cancelRequested: true },
    WAITING: { status: 'RUNNING', startedAt: new Date() },
    SUCCEEDED: { status: 'SUCCEEDED', startedAt: new Date(), finishedAt: new Date() },
    FAILED: { status: 'FAILED', startedAt: new Date(), finishedAt: new Date(), error: 'it failed' },
    CANCELLED: { status: 'CANCELLED', startedAt: new Date(), finishedAt: new Date(), cancelRequested: true },
  };
  const run = await prisma.run.create({ data: runRow(state, data[state]) as never });
  if (state !== 'QUEUED') {
    await prisma.epoch.create({ data: { runId: run.id, ...epoch(1) } });
    await prisma.runAttempt.create({ data: { runId: run.id, number: 1, workerId: A.id, workerHost: A.host, workerPid: A.pid, ...(state.startsWith('HELD') ? {} : { endedAt: new Date(), outcome: 'handed back' }) } });
  }
  if (state.startsWith('HELD') || state === 'WAITING') await prisma.runCheckpoint.create({ data: { runId: run.id, epoch: 1, data: Buffer.from('MLPK') } });
  if (state === 'HELD+results') expect(await lifecycle.storeResults(pool, A, run.id, result)).toBe(true);
  return run.id;
}

/** Everything a transition could change about a run. */
async function snapshot(id: string) {
  const run = await prisma.run.findUnique({
    where: { id },
    select: { status: true, workerId: true, cancelRequested: true, error: true, finishedAt: true, progress: true, modelPath: true, warning: true, testAccuracy: true, threads: true, summary: true },
  });
  const [epochs, checkpointRow, evaluation, robustness, attempts] = await Promise.all([
    prisma.epoch.findMany({ where: { runId: id }, orderBy: { epoch: 'asc' } }),
    prisma.runCheckpoint.findUnique({ where: { runId: id } }),
    prisma.evaluation.findUnique({ where: { runId: id } }),
    prisma.robustnessPoint.findMany({ where: { runId: id } }),
    prisma.runAttempt.findMany({ where: { runId: id }, orderBy: { number: 'asc' } }),
  ]);
  return { run, epochs, checkpoint: checkpointRow && { epoch: checkpointRow.epoch, updatedAt: checkpointRow.updatedAt }, evaluation, robustness, attempts };
}

/** The state a run is in, as the table in lifecycle.ts names them (HELD(x) by holder). */
async function stateOf(id: string): Promise<string> {
  const r = await prisma.run.findUniqueOrThrow({ where: { id } });
  if (r.status !== 'RUNNING') return r.status;
  if (!r.workerId) return 'WAITING';
  return `HELD(${r.workerId === A.id ? 'A' : r.workerId === B.id ? 'B' : '?'})`;
}

// ---- the transitions, each returning whether it was applied -----------------------------------------

type Transition = (id: string, by: Holder) => Promise<boolean>;
const transitions: Record<string, Transition> = {
  claim: async (id, by) => (await lifecycle.claim(pool, by, EVERY_BACKEND))?.id === id,
  recordEpoch: (id, by) => lifecycle.recordEpoch(pool, by, id, epoch(2)),
  storeCheckpoint: async (id, by) => (await lifecycle.storeCheckpoint(pool, by, id, checkpoint(2))) !== null,
  reportProgress: (id, by) => lifecycle.reportProgress(pool, by, id, { phase: 'training', epoch: 2 }),
  restartFromScratch: (id, by) => lifecycle.restartFromScratch(pool, by, id),
  storeResults: (id, by) => lifecycle.storeResults(pool, by, id, result),
  succeed: (id, by) => lifecycle.succeed(pool, by, id, { modelPath: '/models/x' }),
  endCancelled: (id, by) => lifecycle.endCancelled(pool, by, id, result),
  fail: (id, by) => lifecycle.fail(pool, by, id, 'bad data'),
  retry: async (id, by) => (await lifecycle.retry(pool, by, id, 'lost the GPU')) !== null,
  reap: async (id, by) => (await lifecycle.reap(pool, { holder: by.id, how: 'killed by SIGKILL' })).some((r) => r.id === id),
  handBack: async (id, by) => (await lifecycle.handBack(pool, by.id, id, 'shutting down')).includes(id),
  cancel: async (id) => ['cancelled', 'requested'].includes((await lifecycle.cancel(pool, id)) as string),
  remove: (id) => lifecycle.remove(pool, id),
};

/** Legal (state, transition) pairs, by the holder A (a claim by B), and the state each leads to. */
const WHILE_HELD = {
  recordEpoch: 'HELD(A)', storeCheckpoint: 'HELD(A)', reportProgress: 'HELD(A)', restartFromScratch: 'HELD(A)', storeResults: 'HELD(A)',
  fail: 'FAILED', retry: 'WAITING', reap: 'WAITING', handBack: 'WAITING', cancel: 'HELD(A)',
};
const LEGAL: Record<StateName, Record<string, string>> = {
  QUEUED: { claim: 'HELD(B)', cancel: 'CANCELLED', remove: 'gone' },
  HELD: WHILE_HELD,
  'HELD+results': { ...WHILE_HELD, succeed: 'SUCCEEDED' },
  // A run whose cancel was asked for ends CANCELLED when its attempt ends, whichever way but failing for good.
  'HELD+cancel': { ...WHILE_HELD, retry: 'CANCELLED', reap: 'CANCELLED', handBack: 'CANCELLED', endCancelled: 'CANCELLED' },
  WAITING: { claim: 'HELD(B)', cancel: 'CANCELLED' },
  SUCCEEDED: { remove: 'gone' },
  FAILED: { remove: 'gone' },
  CANCELLED: { remove: 'gone' },
};
const STATES = Object.keys(LEGAL) as StateName[];
/** The transitions only a holder may make. */
const OWN = ['recordEpoch', 'storeCheckpoint', 'reportProgress', 'restartFromScratch', 'storeResults', 'succeed', 'endCancelled', 'fail', 'retry', 'reap', 'handBack'];

describe('the run state machine', () => {
  const illegal = STATES.flatMap((state) => Object.keys(transitions).filter((t) => !LEGAL[state][t]).map((t) => [state, t] as const));

  it('walks every illegal pair: those not in the table', () => {
    expect(illegal.length + STATES.reduce((n, s) => n + Object.keys(LEGAL[s]).length, 0)).toBe(STATES.length * Object.keys(transitions).length);
    expect(illegal.length).toBeGreaterThan(60);
  });

  it.each(illegal)('refuses %s → %s, changing nothing', async (state, name) => {
    const id = await makeRun(state);
    const before = await snapshot(id);
    // A claim by B would take any claimable run; only this one exists.
    expect(await transitions[name](id, name === 'claim' ? B : A)).toBe(false);
    expect(await snapshot(id)).toEqual(before);
  });

  it.each(STATES.filter((s) => s.startsWith('HELD')).flatMap((s) => OWN.map((t) => [s, t] as const)))('refuses %s → %s by a worker that does not hold the run', async (state, name) => {
    const id = await makeRun(state);
    const before = await snapshot(id);
    expect(await transitions[name](id, B)).toBe(false);
    expect(await snapshot(id)).toEqual(before);
  });

  it.each(STATES.flatMap((s) => Object.entries(LEGAL[s]).map(([t, to]) => [s, t, to] as const)))('allows %s → %s, which leads to %s', async (state, name, to) => {
    const id = await makeRun(state);
    expect(await transitions[name](id, name === 'claim' ? B : A)).toBe(true);
    if (to === 'gone') expect(await prisma.run.findUnique({ where: { id } })).toBeNull();
    else expect(await stateOf(id)).toBe(to);
  });
});

describe('what the transitions write', () => {
  it('claim takes a waiting run before older queued ones, opens an attempt and drops epochs after its checkpoint', async () => {
    const queued = await prisma.run.create({ data: runRow('queued first') });
    const waiting = await makeRun('WAITING');
    await prisma.epoch.create({ data: { runId: waiting, ...epoch(2) } }); // written after the checkpoint (epoch 1)
    const claimed = await lifecycle.claim(pool, B, EVERY_BACKEND);
    expect(claimed).toMatchObject({ id: waiting, resumeAfterEpoch: 1, attempt: 2 });
    const after = await snapshot(waiting);
    expect(after.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(after.attempts.map((a) => [a.number, a.workerId, a.resumedAfterEpoch, a.outcome])).toEqual([[1, A.id, 0, 'handed back'], [2, B.id, 1, null]]);
    expect((await lifecycle.claim(pool, A, EVERY_BACKEND))?.id).toBe(queued.id);
    expect(await lifecycle.claim(pool, A, EVERY_BACKEND)).toBeNull();
  });

  it('a run whose attempts keep failing ends FAILED after RUN_MAX_ATTEMPTS, listing every reason; hand-backs do not count', async () => {
    const id = (await prisma.run.create({ data: runRow('unlucky') })).id;
    const C = newHolder(1003);
    const D = newHolder(1004);
    expect((await lifecycle.claim(pool, A, EVERY_BACKEND))?.id).toBe(id);
    expect(await lifecycle.retry(pool, A, id, 'CUDA error: an illegal memory access', 3)).toEqual({ id, status: 'RUNNING' });
    expect((await lifecycle.claim(pool, B, EVERY_BACKEND))?.id).toBe(id);
    expect(await lifecycle.handBack(pool, B.id, id, 'its worker shut down')).toEqual([id]); // not a failure
    expect((await lifecycle.claim(pool, C, EVERY_BACKEND))?.id).toBe(id);
    expect(await lifecycle.reap(pool, { holder: C.id, how: 'killed by SIGKILL' }, 3)).toEqual([{ id, status: 'RUNNING' }]);
    expect((await lifecycle.claim(pool, D, EVERY_BACKEND))?.id).toBe(id);
    expect(await lifecycle.retry(pool, D, id, 'out of memory', 3)).toEqual({ id, status: 'FAILED' });
    const after = await snapshot(id);
    expect(after.run).toMatchObject({ status: 'FAILED', workerId: null, progress: null });
    expect(after.run!.error).toBe(
      'Failed 3 times, no attempts left (RUN_MAX_ATTEMPTS=3): ' +
        `attempt 1 (test-host pid 1001): CUDA error: an illegal memory access; ` +
        `attempt 3 (test-host pid 1003): worker test-host (pid 1003) died: killed by SIGKILL; ` +
        'attempt 4 (test-host pid 1004): out of memory. The 0 epoch(s) it finished are kept.',
    );
    expect(after.attempts.map((a) => a.outcome)).toEqual(['failed', 'handed back', 'failed', 'failed']);
    expect(after.checkpoint).toBeNull(); // the 0003 trigger: a run that ends keeps no checkpoint
    expect(await lifecycle.claim(pool, A, EVERY_BACKEND)).toBeNull();
  });

  it('the stale reaper puts a silent worker\'s run back in the queue with its checkpoint, and leaves beating ones alone', async () => {
    await databaseOlderThan(url, 2);
    const silent = await makeRun('HELD');
    await prisma.run.update({ where: { id: silent }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    const beating = await prisma.run.create({ data: runRow('beating', { status: 'RUNNING', heartbeatAt: new Date(), workerId: B.id, workerHost: B.host, workerPid: B.pid }) });
    expect(await lifecycle.reap(pool, { staleSeconds: 2 })).toEqual([{ id: silent, status: 'RUNNING' }]);
    const after = await snapshot(silent);
    expect(after.run).toMatchObject({ status: 'RUNNING', workerId: null, error: null, progress: { phase: lifecycle.WAITING_FOR_WORKER, epoch: 1, epochs: 5 } });
    expect(after.checkpoint?.epoch).toBe(1);
    expect(after.attempts[0]).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^worker test-host \(pid 1001\) stopped responding: no heartbeat since .*, more than 2 s/) });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: beating.id } })).workerId).toBe(B.id);
  });

  it('stores results while running, then succeeds with the model path or a warning', async () => {
    const id = await makeRun('HELD+results');
    const stored = await snapshot(id);
    expect(stored.run).toMatchObject({ status: 'RUNNING', testAccuracy: 0.5, threads: 3, progress: { phase: 'saving' }, summary: { compute: 'cpu + JavaScript, 3 threads' } });
    expect(stored.evaluation).toMatchObject({ accuracy: 0.5, macroF1: 0.4, count: 2, classNames: ['0', '1'] });
    expect(stored.robustness).toEqual([{ runId: id, clipped: true, sigma: 0, accuracy: 0.5 }]);
    expect(await lifecycle.succeed(pool, A, id, { modelPath: null, warning: 'The model was not saved (EACCES)' })).toBe(true);
    const after = await snapshot(id);
    expect(after.run).toMatchObject({ status: 'SUCCEEDED', workerId: null, modelPath: null, warning: 'The model was not saved (EACCES)', progress: null });
    expect(after.attempts.at(-1)).toMatchObject({ outcome: 'succeeded', reason: 'The model was not saved (EACCES)' });
  });

  it('a cancelled run keeps the thread count it trained with', async () => {
    const id = await makeRun('HELD+cancel');
    expect(await lifecycle.endCancelled(pool, A, id, { ...result, threads: 2 })).toBe(true);
    expect((await snapshot(id)).run).toMatchObject({ status: 'CANCELLED', threads: 2 });
  });

  it('claim routes by backend: a worker takes auto runs and those asking for a backend it offers, skipping the rest', async () => {
    const asking = (name: string, backend: string, extra: Record<string, unknown> = {}) =>
      prisma.run.create({ data: runRow(name, { config: { ...DEFAULT_CONFIG, epochs: 5, backend }, ...extra }) });
    const gpuRun = await asking('needs tensorflow', 'tensorflow');
    const waitingGpuRun = await asking('needs tensorflow, handed back', 'tensorflow', { status: 'RUNNING', startedAt: new Date() });
    const wasmRun = await asking('needs wasm', 'wasm');
    const autoRun = await asking('any backend', 'auto');
    const wasmOnly = ['wasm'];
    // The older tensorflow runs (one of them WAITING, which would come first) are passed over, not blocking.
    expect((await lifecycle.claim(pool, A, wasmOnly))?.id).toBe(wasmRun.id);
    expect((await lifecycle.claim(pool, A, wasmOnly))?.id).toBe(autoRun.id);
    expect(await lifecycle.claim(pool, A, wasmOnly)).toBeNull();
    expect(await lifecycle.claim(pool, A, [])).toBeNull();
    expect(await stateOf(gpuRun.id)).toBe('QUEUED');
    expect(await stateOf(waitingGpuRun.id)).toBe('WAITING');
    // A worker with tensorflow takes them, the WAITING one first as always.
    const gpu = ['tensorflow', 'wasm', 'cpu'];
    expect((await lifecycle.claim(pool, B, gpu))?.id).toBe(waitingGpuRun.id);
    expect((await lifecycle.claim(pool, B, gpu))?.id).toBe(gpuRun.id);
  });

  it('the database refuses a holder on a run that is not RUNNING', async () => {
    const id = await makeRun('FAILED');
    await expect(prisma.run.update({ where: { id }, data: { workerId: A.id } })).rejects.toThrow(/Run_holder_only_while_running/);
  });
});

// ---- the re-evaluation job (the second table of lifecycle.ts) ----------------------------------------

type JobState = 'none' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

const predictions = (n: number): lifecycle.StoredPredictions => ({ data: Uint8Array.from({ length: 16 + 25 * n }, (_, i) => i % 251), count: n, classes: 2, sources: [{ file: 'f.gz', role: 'test', start: 0, count: n }] });

/** A SUCCEEDED run with an evaluation and a saved model, and its re-evaluation job in the named state (RUNNING: held by A). */
async function makeJob(state: JobState): Promise<string> {
  const id = await makeRun('HELD+results');
  expect(await lifecycle.succeed(pool, A, id, { modelPath: '/models/x' })).toBe(true);
  if (state === 'none') return id;
  expect(await lifecycle.requestReevaluation(pool, id, null)).toBe('queued');
  if (state === 'QUEUED') return id;
  expect((await lifecycle.claimReevaluation(pool, A, EVERY_BACKEND))?.runId).toBe(id);
  if (state === 'SUCCEEDED') expect(await lifecycle.storeReevaluation(pool, A, id, predictions(2), 0)).toBe(true);
  if (state === 'FAILED') expect(await lifecycle.failReevaluation(pool, A, id, 'no model file')).toBe(true);
  return id;
}

async function jobSnapshot(id: string) {
  const [job, stored, run] = await Promise.all([
    prisma.reevaluation.findUnique({ where: { runId: id } }),
    prisma.testPredictions.findUnique({ where: { runId: id }, select: { origin: true, count: true, confusionDelta: true, createdAt: true } }),
    prisma.run.findUnique({ where: { id }, select: { status: true, testAccuracy: true } }),
  ]);
  return { job, stored, run };
}

async function jobStateOf(id: string): Promise<string> {
  const j = await prisma.reevaluation.findUnique({ where: { runId: id } });
  if (!j) return 'none';
  return j.status === 'RUNNING' ? `RUNNING(${j.workerId === A.id ? 'A' : j.workerId === B.id ? 'B' : '?'})` : j.status;
}

const jobTransitions: Record<string, Transition> = {
  requestReevaluation: async (id) => (await lifecycle.requestReevaluation(pool, id, null)) === 'queued',
  claimReevaluation: async (id, by) => (await lifecycle.claimReevaluation(pool, by, EVERY_BACKEND))?.runId === id,
  reportReevaluationProgress: (id, by) => lifecycle.reportReevaluationProgress(pool, by, id, { phase: 'evaluating', label: 'evaluating test set', done: 1, total: 2 }),
  storeReevaluation: (id, by) => lifecycle.storeReevaluation(pool, by, id, predictions(2), 0),
  failReevaluation: (id, by) => lifecycle.failReevaluation(pool, by, id, 'dataset gone'),
  handBackReevaluation: (id, by) => lifecycle.handBackReevaluation(pool, by, id),
  reap: async (id, by) => (await lifecycle.reapReevaluations(pool, { holder: by.id, how: 'killed by SIGKILL' })).includes(id),
};
const JOB_LEGAL: Record<JobState, Record<string, string>> = {
  none: { requestReevaluation: 'QUEUED' },
  QUEUED: { claimReevaluation: 'RUNNING(B)' },
  RUNNING: { reportReevaluationProgress: 'RUNNING(A)', storeReevaluation: 'SUCCEEDED', failReevaluation: 'FAILED', handBackReevaluation: 'QUEUED', reap: 'QUEUED' },
  SUCCEEDED: { requestReevaluation: 'QUEUED' },
  FAILED: { requestReevaluation: 'QUEUED' },
};
const JOB_STATES = Object.keys(JOB_LEGAL) as JobState[];

describe('the re-evaluation job machine', () => {
  const illegal = JOB_STATES.flatMap((state) => Object.keys(jobTransitions).filter((t) => !JOB_LEGAL[state][t]).map((t) => [state, t] as const));

  it.each(illegal)('refuses %s → %s, changing nothing', async (state, name) => {
    const id = await makeJob(state);
    const before = await jobSnapshot(id);
    expect(await jobTransitions[name](id, name === 'claimReevaluation' ? B : A)).toBe(false);
    expect(await jobSnapshot(id)).toEqual(before);
  });

  it.each(Object.keys(JOB_LEGAL.RUNNING))('refuses RUNNING → %s by a worker that does not hold the job', async (name) => {
    const id = await makeJob('RUNNING');
    const before = await jobSnapshot(id);
    expect(await jobTransitions[name](id, B)).toBe(false);
    expect(await jobSnapshot(id)).toEqual(before);
  });

  it.each(JOB_STATES.flatMap((s) => Object.entries(JOB_LEGAL[s]).map(([t, to]) => [s, t, to] as const)))('allows %s → %s, which leads to %s', async (state, name, to) => {
    const id = await makeJob(state);
    expect(await jobTransitions[name](id, name === 'claimReevaluation' ? B : A)).toBe(true);
    expect(await jobStateOf(id)).toBe(to);
    expect((await prisma.run.findUniqueOrThrow({ where: { id } })).status).toBe('SUCCEEDED'); // the run itself never changes
  });

  it('stores the predictions with the job\'s success; a run without a model, or unfinished, is refused saying why', async () => {
    const id = await makeJob('RUNNING');
    expect(await lifecycle.storeReevaluation(pool, A, id, predictions(3), 4)).toBe(true);
    expect((await jobSnapshot(id)).stored).toMatchObject({ origin: 're-evaluation', count: 3, confusionDelta: 4 });
    const noModel = await makeRun('HELD+results');
    await lifecycle.succeed(pool, A, noModel, { modelPath: null, warning: 'The model was not saved (EACCES)' });
    expect(await lifecycle.requestReevaluation(pool, noModel, null)).toEqual({ refused: expect.stringMatching(/has no saved model/) });
    expect(await lifecycle.requestReevaluation(pool, await makeRun('FAILED'), null)).toEqual({ refused: expect.stringMatching(/is FAILED; only a finished \(SUCCEEDED\) run has a model to re-evaluate/) });
    const queued = await makeJob('QUEUED');
    expect(await lifecycle.requestReevaluation(pool, queued, null)).toBe('already queued');
  });

  it('goes to a worker that offers its run\'s backend, as runs do', async () => {
    const id = await makeJob('none');
    const run = await prisma.run.findUniqueOrThrow({ where: { id } });
    await prisma.run.update({ where: { id }, data: { config: { ...(run.config as object), backend: 'tensorflow' } } });
    expect(await lifecycle.requestReevaluation(pool, id, null)).toBe('queued');
    expect(await lifecycle.claimReevaluation(pool, A, ['wasm', 'cpu'])).toBeNull();
    expect((await lifecycle.claimReevaluation(pool, A, EVERY_BACKEND))?.runId).toBe(id);
  });

  it('puts a silent worker\'s job back in the queue, and fails it after RUN_MAX_ATTEMPTS', async () => {
    await databaseOlderThan(url, 2);
    const id = await makeJob('RUNNING');
    await prisma.reevaluation.update({ where: { runId: id }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    expect(await lifecycle.reapReevaluations(pool, { staleSeconds: 2 }, 2)).toEqual([id]);
    expect(await jobStateOf(id)).toBe('QUEUED');
    expect((await lifecycle.claimReevaluation(pool, B, EVERY_BACKEND))?.attempt).toBe(2);
    expect(await lifecycle.reapReevaluations(pool, { holder: B.id, how: 'killed' }, 2)).toEqual([id]);
    const job = await prisma.reevaluation.findUniqueOrThrow({ where: { runId: id } });
    expect(job).toMatchObject({ status: 'FAILED', workerId: null, error: 'Failed 2 times (RUN_MAX_ATTEMPTS=2); the last time its worker test-host (pid 1002) died: killed' });
  });
});

describe('what a run\'s training writes for error analysis', () => {
  it('records an epoch with its validation confusion matrix, which goes with the epoch', async () => {
    const id = await makeRun('HELD');
    expect(await lifecycle.recordEpoch(pool, A, id, epoch(2), [[3, 1], [0, 4]])).toBe(true);
    expect(await prisma.epochConfusion.findUnique({ where: { runId_epoch: { runId: id, epoch: 2 } } })).toEqual({ runId: id, epoch: 2, classes: 2, counts: [3, 1, 0, 4] });
    expect(await lifecycle.restartFromScratch(pool, A, id)).toBe(true);
    expect(await prisma.epochConfusion.count({ where: { runId: id } })).toBe(0);
  });

  it('stores the test predictions with the results; a new claim drops those of an attempt that died while saving', async () => {
    const id = await makeRun('HELD');
    expect(await lifecycle.storeResults(pool, A, id, result, predictions(5))).toBe(true);
    const stored = await prisma.testPredictions.findUniqueOrThrow({ where: { runId: id } });
    expect(stored).toMatchObject({ count: 5, classes: 2, origin: 'training', confusionDelta: 0, sources: [{ file: 'f.gz', role: 'test', start: 0, count: 5 }] });
    expect(Buffer.compare(Buffer.from(stored.data), Buffer.from(predictions(5).data))).toBe(0);
    await lifecycle.reap(pool, { holder: A.id, how: 'died while saving' });
    expect((await lifecycle.claim(pool, B, EVERY_BACKEND))?.id).toBe(id);
    expect(await prisma.testPredictions.count({ where: { runId: id } })).toBe(0);
  });
});
