/**
 * The database layer and the queue without training: migrations applied exactly once (also when two
 * processes race), the DATABASE_URL path, a restart that leaves queued runs queued, SKIP LOCKED claims
 * that never hand one run to two workers, the stale-heartbeat reaper, and worker errors recorded on
 * the run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import { openDatabase } from '../../server/db/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded';
import { migrate, readMigrations } from '../../server/db/migrate';
import { reapStaleRuns } from '../../server/runs/reaper';
import { TrainerWorker } from '../../server/worker/worker';
import { databaseOlderThan } from './faults';
import { startTestService, TINY, waitFor } from './helpers';

let tmp: string;
let server: EmbeddedDatabase;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-db-test-'));
  server = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg') });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const runRow = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  engine: 'scratch',
  dataset: 'mnist',
  seed: 1,
  config: { ...DEFAULT_CONFIG, ...TINY } as object,
  ...extra,
});

describe('migrations', () => {
  it('apply exactly once, also when two processes start together', async () => {
    const url = await server.database('race');
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const names = readMigrations().map((m) => m.name);
    expect(results.flat().sort()).toEqual(names); // each migration applied by exactly one caller
    expect(await migrate(url)).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT name FROM "_migrations" ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(names);
    // A migration edited after it was applied is refused, not silently skipped.
    await client.query(`UPDATE "_migrations" SET checksum = 'x' WHERE name = $1`, [names[0]]);
    await expect(migrate(url)).rejects.toThrow(/was changed after it was applied/);
    await client.end();
  });
});

describe('DATABASE_URL', () => {
  it('uses an external PostgreSQL (migrating it) instead of the embedded one', async () => {
    const url = await server.database('external');
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    try {
      const db = await openDatabase();
      expect(db.embedded).toBeNull();
      expect(db.url).toBe(url);
      await db.close();
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    const svc = await startTestService({ databaseUrl: url });
    try {
      const res = await svc.gql('mutation { launchRun(input: { dataset: "mnist", config: { epochs: 1 } }) { id status } }');
      expect(res.data.launchRun.status).toBe('QUEUED');
      expect(svc.databaseUrl).toBe(url);
    } finally {
      await svc.stopAll();
    }
    const prisma = createPrisma(url);
    expect(await prisma.run.count()).toBe(1);
    await prisma.$disconnect();
  });

  it('keeps queued runs queued across a restart of the embedded default', async () => {
    const dataDir = path.join(tmp, 'restart');
    const first = await startTestService({ dataDir });
    const id = (await first.gql('mutation { launchRun(input: { dataset: "mnist" }) { id } }')).data.launchRun.id;
    await first.close();
    const second = await startTestService({ dataDir });
    try {
      const run = (await second.gql('query($id: ID!) { run(id: $id) { status queuePosition } }', { id })).data.run;
      expect(run).toEqual({ status: 'QUEUED', queuePosition: 0 });
    } finally {
      await second.stopAll();
    }
  });
});

describe('the queue', () => {
  let url: string;
  let prisma: PrismaClient;
  beforeAll(async () => {
    url = await server.database('queue');
    await migrate(url);
    prisma = createPrisma(url);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
  });

  it('never gives one run to two workers', async () => {
    const n = 40;
    for (let i = 0; i < n; i++) await prisma.run.create({ data: runRow(`q${i}`) });
    const workers = Array.from({ length: 4 }, () => new TrainerWorker({ url, modelsDir: null, log: () => {} }));
    const claimed = await Promise.all(
      workers.map(async (w) => {
        const mine: string[] = [];
        for (;;) {
          const run = await w.claim();
          if (!run) return mine;
          mine.push(run.name);
        }
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(n);
    expect(new Set(all).size).toBe(n);
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1); // they really competed
    expect(await prisma.run.count({ where: { status: 'RUNNING' } })).toBe(n);
    await Promise.all(workers.map((w) => w.stop()));
    await prisma.run.deleteMany({});
  });

  it('claims the oldest queued run first', async () => {
    const a = await prisma.run.create({ data: runRow('older') });
    await prisma.run.create({ data: runRow('newer') });
    const w = new TrainerWorker({ url, modelsDir: null, log: () => {} });
    expect((await w.claim())!.id).toBe(a.id);
    await w.stop();
    await prisma.run.deleteMany({});
  });

  it('puts a run whose heartbeat went stale back in the queue, keeping its epochs', async () => {
    const run = await prisma.run.create({
      data: runRow('stale', { status: 'RUNNING', startedAt: new Date(), heartbeatAt: new Date(Date.now() - 120_000), workerId: crypto.randomUUID(), workerHost: 'gpu-7', workerPid: 4242 }),
    });
    for (const epoch of [1, 2]) {
      await prisma.epoch.create({ data: { runId: run.id, epoch, lr: 0.01, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 1000 } });
    }
    await databaseOlderThan(url, 5);
    const fresh = await prisma.run.create({ data: runRow('fresh', { status: 'RUNNING', heartbeatAt: new Date(), workerId: crypto.randomUUID(), workerHost: 'gpu-8', workerPid: 1 }) });
    expect(await reapStaleRuns(prisma, 5)).toEqual([run.id]);
    const after = await prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { epochs: true } });
    // Waiting for the next worker (which resumes from the checkpoint), not failed: attempts are left.
    expect(after).toMatchObject({ status: 'RUNNING', workerId: null, workerPid: null, error: null, progress: { phase: 'waiting for a worker', epoch: 0 } });
    expect(after.epochs).toHaveLength(2);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: fresh.id } })).workerPid).toBe(1);
    await prisma.run.deleteMany({});
  });

  it('records a worker error on the run', async () => {
    const saved = process.env.EMNIST_DIR;
    delete process.env.EMNIST_DIR;
    const run = await prisma.run.create({ data: runRow('no data', { dataset: 'emnist-bymerge' }) });
    const bad = await prisma.run.create({ data: runRow('bad config', { config: { lr: 1 } }) });
    const w = new TrainerWorker({ url, modelsDir: null, log: () => {}, pollMs: 100 });
    await w.start();
    try {
      const failed = await waitFor(async () => {
        const rows = await prisma.run.findMany({ where: { id: { in: [run.id, bad.id] }, status: 'FAILED' } });
        return rows.length === 2 && rows;
      }, 20_000);
      const byName = Object.fromEntries(failed.map((r) => [r.name, r]));
      expect(byName['no data'].error).toMatch(/EMNIST ByMerge is not on this machine.*npm run data:emnist/);
      expect(byName['bad config'].error).toMatch(/Invalid run config/);
      expect(byName['no data'].finishedAt).toBeInstanceOf(Date);
      // Deterministic failures (missing data, invalid config) are not retried: one attempt each.
      const attempts = await prisma.runAttempt.findMany({ where: { runId: { in: [run.id, bad.id] } } });
      expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'failed']);
    } finally {
      await w.stop();
      if (saved !== undefined) process.env.EMNIST_DIR = saved;
    }
  });
});
