/**
 * The database heals. The embedded PostgreSQL killed with SIGKILL mid-run: /healthz and /readyz turn
 * red, the server starts PostgreSQL again on the same folder and port, the API answers again, and the
 * running run completes without losing its attempt — exactly as a run that saw no outage; one shut down
 * on purpose is left stopped. An external
 * DATABASE_URL that goes away: the server reports unhealthy and recovers when it returns, a worker
 * backs off (a handful of log lines, not one every poll) and trains again; a server started while it
 * is down waits for it instead of exiting. On the MNIST digits that ship with the install.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedPostgres } from '../../server/db/embedded';
import { TrainerWorker } from '../../server/worker/worker';
import { postmasterPid } from './faults';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

const CONFIG = { ...TINY, epochs: 6, batchSize: 64, seed: 5 };
const RUN_FIELDS = 'id status error attempts { outcome } epochs { epoch trainLoss valLoss valAccuracy } evaluation { accuracy macroF1 crossEntropy } robustness { sigma accuracy }';

async function health(svc: TestService, what: 'healthz' | 'readyz') {
  const res = await fetch(`${svc.url}/${what}`);
  return { status: res.status, body: what === 'healthz' ? await res.json() : await res.text() };
}

async function launch(svc: TestService, name: string, config: Record<string, unknown> = CONFIG): Promise<string> {
  const res = await svc.gql('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { name, dataset: 'mnist', config } });
  expect(res.errors).toBeUndefined();
  return res.data.launchRun.id;
}

const finished = (svc: TestService, id: string) =>
  waitFor(async () => {
    const res = await svc.gql(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id });
    const r = res.data?.run;
    return r && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) && r;
  }, 180_000, 200);

describe('the embedded PostgreSQL killed mid-run', () => {
  let svc: TestService;
  afterAll(async () => {
    await svc?.stopAll();
  });

  it('turns /healthz red, is started again, and the run completes as if nothing happened', async () => {
    svc = await startTestService({ workers: 1 });
    const green = await health(svc, 'healthz');
    expect(green.status).toBe(200);
    expect(green.body).toMatchObject({ status: 'ok', database: { kind: 'embedded', reachable: true, process: 'running', restarts: 0 }, workers: { supervised: { expected: 1 } } });
    expect((await health(svc, 'readyz')).status).toBe(200);

    const id = await launch(svc, 'through a database restart');
    await waitFor(async () => (await svc.gql(`query($id: ID!) { run(id: $id) { epochs { epoch } } }`, { id })).data?.run.epochs.length >= 1, 120_000, 50);
    process.kill(postmasterPid(path.join(svc.tmp, 'pg')), 'SIGKILL');

    const red = await waitFor(async () => {
      const h = await health(svc, 'healthz');
      return h.status === 503 && h;
    }, 30_000, 25);
    expect(red.body).toMatchObject({ status: 'unhealthy', database: { reachable: false } });
    expect(red.body.problems.join()).toMatch(/database/);

    const healed = await waitFor(async () => {
      const h = await health(svc, 'healthz');
      return h.status === 200 && h.body.database.restarts >= 1 && h;
    }, 60_000, 100);
    expect(healed.body.database).toMatchObject({ reachable: true, process: 'running', restarts: 1 });
    expect((await health(svc, 'readyz')).status).toBe(200);

    const run = await finished(svc, id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.attempts).toEqual([{ outcome: 'succeeded' }]); // the worker kept its run through the outage
    expect(run.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);

    const reference = await finished(svc, await launch(svc, 'no outage'));
    const outcome = (r: typeof run) => ({ epochs: r.epochs, evaluation: r.evaluation, robustness: r.robustness });
    expect(outcome(run)).toEqual(outcome(reference));
  });
});

describe('the embedded PostgreSQL shut down on purpose', () => {
  it('is left stopped (it removed its postmaster.pid), and /healthz says so', async () => {
    const svc = await startTestService({ workers: 0 });
    try {
      process.kill(postmasterPid(path.join(svc.tmp, 'pg')), 'SIGINT'); // PostgreSQL's fast shutdown, as Ctrl-C sends it
      const red = await waitFor(async () => {
        const h = await health(svc, 'healthz');
        return h.status === 503 && h.body.database.process === 'stopped' && h;
      }, 30_000, 50);
      expect(red.body.database).toMatchObject({ reachable: false, restarts: 0 });
      expect(fs.existsSync(path.join(svc.tmp, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      await svc.stopAll();
    }
  });
});

describe('an external DATABASE_URL', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-external-test-'));
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
    vi.restoreAllMocks();
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('going away makes the server unhealthy and workers back off; both recover when it returns', async () => {
    const dataDir = path.join(tmp, 'ext');
    let pg = await startEmbeddedPostgres({ dataDir });
    cleanup.push(() => pg.stop());
    const url = await pg.database('external');
    const svc = await startTestService({ databaseUrl: url, workers: 0 });
    cleanup.push(() => svc.stopAll());
    const logs: string[] = [];
    const worker = new TrainerWorker({ url, modelsDir: null, pollMs: 250, log: (m) => logs.push(m) });
    await worker.start();
    cleanup.push(() => worker.stop());
    expect((await health(svc, 'healthz')).status).toBe(200);

    await pg.stop();
    const red = await waitFor(async () => {
      const h = await health(svc, 'healthz');
      return h.status === 503 && h;
    }, 30_000, 50);
    expect(red.body).toMatchObject({ status: 'unhealthy', database: { kind: 'external', reachable: false, restarts: 0 } });
    expect(await health(svc, 'readyz')).toEqual({ status: 503, body: 'not ready: the database does not answer' });
    // The worker's loop retries at 0.25, 0.5, 1, 2 s … and logs at tries 1, 2, 4, 8 …: by the 4th try,
    // 3.75 s into the outage, three lines (at a fixed 250 ms poll it would have been fifteen).
    await waitFor(async () => logs.some((l) => /\(4 tries so far\)/.test(l)), 60_000, 50);
    expect(logs.filter((l) => /^database unreachable/.test(l))).toHaveLength(3);

    pg = await startEmbeddedPostgres({ dataDir, port: pg.port });
    await waitFor(async () => (await health(svc, 'healthz')).status === 200, 60_000, 100);
    const id = await launch(svc, 'after the outage', { ...CONFIG, epochs: 1 });
    const run = await finished(svc, id);
    expect(run.status).toBe('SUCCEEDED');
    expect(logs.some((l) => /^database reachable again/.test(l))).toBe(true);
  });

  it('a server started while it is down waits for it instead of exiting', async () => {
    // A database that exists but is not running yet.
    const dataDir = path.join(tmp, 'later');
    let pg = await startEmbeddedPostgres({ dataDir });
    const url = await pg.database('later');
    await pg.stop();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const starting = startTestService({ databaseUrl: url, workers: 0 });
    let settled = false;
    void starting.then(() => (settled = true), () => (settled = true));
    await waitFor(async () => warn.mock.calls.some(([m]) => /database unreachable \(.*ECONNREFUSED.*\); retrying in/.test(String(m))), 30_000, 50);
    expect(settled).toBe(false);
    pg = await startEmbeddedPostgres({ dataDir, port: pg.port });
    cleanup.push(() => pg.stop());
    const svc = await starting;
    cleanup.push(() => svc.stopAll());
    expect((await health(svc, 'healthz')).status).toBe(200);
  });
});
