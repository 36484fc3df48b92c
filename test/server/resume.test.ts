/**
 * A server restart leaves running runs running. Stopping the embedded default hands the run in training
 * back (still RUNNING, its finished epochs and checkpoint kept); after the restart a worker takes it
 * before any queued run and resumes it after its last finished epoch, ending exactly where a run that
 * was never interrupted ends. Also: a server killed outright (Ctrl-C stops PostgreSQL first), cancel of
 * a run that waits for a worker, checkpoints only for the worker holding a running run, and their
 * removal when the run ends. On the MNIST digits that ship with the install, so it never skips.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import type pg from 'pg';
import { newPool } from '../../server/db/pool';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import { handBackRunsOfDeadLocalWorkers } from '../../server/runs/handBack';
import { storeCheckpoint, WAITING_FOR_WORKER } from '../../server/runs/lifecycle';
import { reapStaleRuns } from '../../server/runs/reaper';
import { TrainerWorker } from '../../server/worker/worker';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import type { TrainingCheckpoint } from '../../trainer/train/checkpoint';
import { databaseOlderThan } from './faults';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

const CONFIG = { ...TINY, epochs: 5, batchSize: 64, seed: 21 };
const RUN_FIELDS = 'id status error workerPid startedAt waitingForWorker progress { epoch epochs phase } epochs { epoch trainLoss valLoss valAccuracy } evaluation { accuracy macroF1 crossEntropy } robustness { sigma accuracy }';

async function getRun(svc: TestService, id: string) {
  const res = await svc.gql(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id });
  expect(res.errors).toBeUndefined();
  return res.data.run;
}

async function launch(svc: TestService, name: string): Promise<string> {
  const res = await svc.gql('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { name, dataset: 'mnist', config: CONFIG } });
  expect(res.errors).toBeUndefined();
  return res.data.launchRun.id;
}

const finished = (svc: TestService, id: string) =>
  waitFor(async () => {
    const r = await getRun(svc, id);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) && r;
  }, 120_000, 250);

async function epochWrites(url: string, runId: string): Promise<{ epoch: number; createdAt: Date }[]> {
  const prisma = createPrisma(url);
  try {
    return await prisma.epoch.findMany({ where: { runId }, select: { epoch: true, createdAt: true }, orderBy: { epoch: 'asc' } });
  } finally {
    await prisma.$disconnect();
  }
}

describe('a server restart during training', () => {
  it('leaves the running run running, resumes it after its last epoch, and ends as the uninterrupted run does', async () => {
    const first = await startTestService({ workers: 1 });
    const dataDir = path.join(first.tmp, 'pg');
    let id: string;
    let before: { epoch: number; createdAt: Date }[];
    try {
      id = await launch(first, 'interrupted');
      await waitFor(async () => (await getRun(first, id)).epochs.length >= 2, 90_000, 50);
      await first.close(); // the worker gets SIGTERM mid-epoch and hands its run back
    } finally {
      await first.close();
    }

    // Between the two servers: still RUNNING, no worker, its epochs and checkpoint kept.
    const idle = await startTestService({ dataDir, workers: 0 });
    try {
      const waiting = await getRun(idle, id);
      expect(waiting.status).toBe('RUNNING');
      expect(waiting.error).toBeNull();
      expect(waiting.workerPid).toBeNull();
      expect(waiting.waitingForWorker).toBe(true);
      expect(waiting.evaluation).toBeNull();
      const kept = waiting.epochs.length;
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(kept).toBeLessThan(CONFIG.epochs);
      expect(waiting.progress).toEqual({ epoch: kept, epochs: CONFIG.epochs, phase: WAITING_FOR_WORKER });
      const system = await idle.gql('{ system { running queued } }');
      expect(system.data.system).toMatchObject({ running: 1, queued: 0 });
      before = await epochWrites(idle.databaseUrl, id);
      const prisma = createPrisma(idle.databaseUrl);
      expect(await prisma.runCheckpoint.findUnique({ where: { runId: id }, select: { epoch: true } })).toEqual({ epoch: kept });
      await prisma.$disconnect();
    } finally {
      await idle.close();
    }

    const second = await startTestService({ dataDir, workers: 1 });
    try {
      const resumed = await finished(second, id);
      expect(resumed.error).toBeNull();
      expect(resumed.status).toBe('SUCCEEDED');
      expect(resumed.waitingForWorker).toBe(false);
      expect(resumed.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
      // The epochs finished before the restart were not trained again: the same rows, written then.
      const after = await epochWrites(second.databaseUrl, id);
      expect(after.slice(0, before.length)).toEqual(before);
      const prisma = createPrisma(second.databaseUrl);
      expect(await prisma.runCheckpoint.count()).toBe(0); // discarded when the run ended
      await prisma.$disconnect();

      // The same config trained without interruption: identical at every epoch and in the evaluation.
      const reference = await finished(second, await launch(second, 'uninterrupted'));
      expect(reference.status).toBe('SUCCEEDED');
      const losses = (r: typeof resumed) => r.epochs.map((e: { trainLoss: number; valLoss: number; valAccuracy: number }) => [e.trainLoss, e.valLoss, e.valAccuracy]);
      expect(losses(resumed)).toEqual(losses(reference));
      expect(resumed.evaluation).toEqual(reference.evaluation);
      expect(resumed.robustness).toEqual(reference.robustness);
    } finally {
      await second.stopAll();
      fs.rmSync(first.tmp, { recursive: true, force: true });
    }
    // Three servers, two trainings: a hang guard, not a speed check (about 45 s on a quiet machine).
  }, 300_000);
});

describe('runs whose worker is gone', () => {
  let svc: TestService;
  let prisma: PrismaClient;
  let pool: pg.Pool;
  const host = os.hostname();
  beforeAll(async () => {
    svc = await startTestService({ workers: 0 });
    prisma = createPrisma(svc.databaseUrl);
    pool = newPool({ connectionString: svc.databaseUrl, max: 1 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await svc?.stopAll();
  });

  const row = (name: string, extra: Record<string, unknown> = {}) => ({ name, engine: 'scratch', dataset: 'mnist', seed: 1, config: { ...DEFAULT_CONFIG, epochs: 5 }, ...extra });
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
  const checkpoint = (epochs: number) => ({ history: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1 })) }) as unknown as TrainingCheckpoint;
  const fakeCheckpoint = (runId: string, epoch: number) => prisma.runCheckpoint.create({ data: { runId, epoch, data: Buffer.from('MLPK') } });

  it('after a server killed outright, its runs wait for a worker with their progress', async () => {
    const run = await prisma.run.create({ data: row('killed with its server', { status: 'RUNNING', startedAt: new Date(), heartbeatAt: new Date(), workerId: crypto.randomUUID(), workerHost: host, workerPid: deadPid() }) });
    await fakeCheckpoint(run.id, 3);
    const alive = await prisma.run.create({ data: row('worker still alive', { status: 'RUNNING', startedAt: new Date(), heartbeatAt: new Date(), workerId: crypto.randomUUID(), workerHost: host, workerPid: process.pid }) });
    expect(await handBackRunsOfDeadLocalWorkers(prisma, host)).toEqual([run.id]);
    const waiting = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(waiting).toMatchObject({ status: 'RUNNING', workerId: null, workerHost: null, workerPid: null, heartbeatAt: null, progress: { phase: WAITING_FOR_WORKER, epoch: 3, epochs: 5, batch: 0, batches: 0 } });
    expect(waiting.startedAt).toEqual(run.startedAt);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: alive.id } })).workerPid).toBe(process.pid);
    await prisma.run.deleteMany({});
  });

  it('a waiting run is never taken for a dead one by the stale-heartbeat reaper', async () => {
    const old = new Date(Date.now() - 3_600_000);
    const waiting = await prisma.run.create({ data: row('waiting for hours', { status: 'RUNNING', startedAt: old, heartbeatAt: old }) });
    const dead = await prisma.run.create({ data: row('worker silent for an hour', { status: 'RUNNING', startedAt: old, heartbeatAt: old, workerId: crypto.randomUUID(), workerHost: 'elsewhere', workerPid: 7 }) });
    await databaseOlderThan(svc.databaseUrl, 1);
    expect(await reapStaleRuns(prisma, 1)).toEqual([dead.id]);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('RUNNING');
    await prisma.run.deleteMany({});
  });

  it('a worker resumes a waiting run before older queued ones, keeping its start time', async () => {
    const queued = await prisma.run.create({ data: row('queued first') });
    const startedAt = new Date(Date.now() - 60_000);
    const waiting = await prisma.run.create({ data: row('waiting', { status: 'RUNNING', startedAt }) });
    const worker = new TrainerWorker({ url: svc.databaseUrl, modelsDir: null, log: () => {} });
    try {
      expect((await worker.claim())?.id).toBe(waiting.id);
      expect(await prisma.run.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ status: 'RUNNING', startedAt, workerPid: process.pid });
      expect((await worker.claim())?.id).toBe(queued.id);
    } finally {
      await worker.stop();
      await prisma.run.deleteMany({});
    }
  });

  it('cancelling a waiting run ends it at once, with its epochs, and drops its checkpoint', async () => {
    const run = await prisma.run.create({ data: row('waiting, then cancelled', { status: 'RUNNING', startedAt: new Date() }) });
    await prisma.epoch.create({ data: { runId: run.id, epoch: 1, lr: 0.001, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 1 } });
    await fakeCheckpoint(run.id, 1);
    const res = await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { status epochs { epoch } } }', { id: run.id });
    expect(res.errors).toBeUndefined();
    expect(res.data.cancelRun).toEqual({ status: 'CANCELLED', epochs: [{ epoch: 1 }] });
    expect(await prisma.runCheckpoint.count({ where: { runId: run.id } })).toBe(0);
    await prisma.run.deleteMany({});
  });

  it('counts the live workers of every host sharing the database, not only its own', async () => {
    const workers = () => svc.gql('{ system { workers } }').then((r) => r.data.system.workers);
    expect(await workers()).toBe(0); // this server starts none
    // A worker started elsewhere (here: in this process), one on another host, and one that died
    // without a word an hour ago.
    const worker = new TrainerWorker({ url: svc.databaseUrl, modelsDir: null, log: () => {} });
    await prisma.worker.create({ data: { host: 'gone', pid: 1, heartbeatAt: new Date(Date.now() - 3_600_000) } });
    await worker.start();
    try {
      expect(await workers()).toBe(1);
      await prisma.worker.create({ data: { host: 'gpu-box', pid: 4242 } });
      expect(await workers()).toBe(2);
    } finally {
      await worker.stop();
    }
    expect(await workers()).toBe(1); // the stopped one removed itself; gpu-box is still there
    await prisma.worker.deleteMany({});
  });

  it('lists running runs whatever their progress holds (the list query loads no config)', async () => {
    await prisma.run.create({ data: row('just claimed', { status: 'RUNNING', workerId: crypto.randomUUID(), workerHost: host, workerPid: process.pid, progress: { phase: 'loading' } }) });
    const res = await svc.gql('{ runs { edges { node { name waitingForWorker progress { epoch epochs phase } } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.runs.edges[0].node).toEqual({ name: 'just claimed', waitingForWorker: false, progress: { epoch: 0, epochs: 0, phase: 'loading' } });
    await prisma.run.deleteMany({});
  });

  it('stores a checkpoint only for the worker holding the running run, and drops it when the run ends', async () => {
    const holder = { id: crypto.randomUUID(), host, pid: 4242 };
    const run = await prisma.run.create({ data: row('held', { status: 'RUNNING', workerId: holder.id, workerHost: host, workerPid: holder.pid }) });
    expect(await storeCheckpoint(pool, { ...holder, id: crypto.randomUUID() }, run.id, checkpoint(1))).toBeNull();
    const size = await storeCheckpoint(pool, holder, run.id, checkpoint(1));
    expect(size).toBeGreaterThan(12);
    expect(await storeCheckpoint(pool, holder, run.id, checkpoint(2))).toBeGreaterThan(size!);
    expect((await prisma.runCheckpoint.findUniqueOrThrow({ where: { runId: run.id } })).epoch).toBe(2);
    for (const status of ['FAILED', 'SUCCEEDED'] as const) {
      await prisma.run.update({ where: { id: run.id }, data: { status: 'RUNNING', workerId: holder.id } });
      await storeCheckpoint(pool, holder, run.id, checkpoint(3));
      await prisma.run.update({ where: { id: run.id }, data: { status, workerId: null } });
      expect(await prisma.runCheckpoint.count({ where: { runId: run.id } }), status).toBe(0);
      expect(await storeCheckpoint(pool, holder, run.id, checkpoint(4)), `${status}: not running`).toBeNull();
    }
    await prisma.run.deleteMany({});
  });
});
