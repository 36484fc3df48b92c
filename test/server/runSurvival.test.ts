/**
 * Runs survive their worker. A supervised worker killed with SIGKILL mid-run: its run goes back to the
 * queue with its checkpoint, the restarted worker resumes it after its last finished epoch, and it ends
 * exactly as an uninterrupted run, in two attempts. A SIGSTOPped worker: its run is resumed elsewhere,
 * and after SIGCONT the stopped worker says it lost the run (no "cancelled") and writes nothing to it.
 * A long synchronous training step is not taken for death (the heartbeat beats from its own thread).
 * A run whose attempts keep failing ends FAILED after three, listing each reason. On the MNIST digits
 * that ship with the install, so it never skips.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainerWorker } from '../../server/worker/worker';
import { spawnWorker, type SpawnedWorker } from './faults';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

const CONFIG = { ...TINY, epochs: 5, batchSize: 64, seed: 21 };
const RUN_FIELDS = `id status error workerPid waitingForWorker
  attempts { number workerPid resumedAfterEpoch outcome reason startedAt endedAt }
  epochs { epoch trainLoss valLoss valAccuracy } evaluation { accuracy macroF1 crossEntropy } robustness { sigma accuracy }`;

async function getRun(svc: TestService, id: string) {
  const res = await svc.gql(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id });
  expect(res.errors).toBeUndefined();
  return res.data.run;
}

async function launch(svc: TestService, name: string, config: Record<string, unknown> = CONFIG): Promise<string> {
  const res = await svc.gql('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { name, dataset: 'mnist', config } });
  expect(res.errors).toBeUndefined();
  return res.data.launchRun.id;
}

const finished = (svc: TestService, id: string, timeoutMs = 180_000) =>
  waitFor(async () => {
    const r = await getRun(svc, id);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) && r;
  }, timeoutMs, 200);

/** What must be identical between a resumed run and an uninterrupted one. */
const outcome = (r: { epochs: unknown[]; evaluation: unknown; robustness: unknown }) => ({ epochs: r.epochs, evaluation: r.evaluation, robustness: r.robustness });

describe('a worker killed with SIGKILL mid-run', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ workers: 1 });
  });
  afterAll(async () => {
    await svc?.stopAll();
  });

  it('hands its run to the next worker, which resumes it after its last epoch and ends as an uninterrupted run', async () => {
    const id = await launch(svc, 'killed mid-run');
    const running = await waitFor(async () => {
      const r = await getRun(svc, id);
      return r.epochs.length >= 2 && r.status === 'RUNNING' && r;
    }, 120_000, 50);
    expect(running.workerPid).toBe(svc.supervisor!.pids()[0]);
    process.kill(running.workerPid, 'SIGKILL');

    const resumed = await finished(svc, id);
    expect(resumed.error).toBeNull();
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.attempts).toHaveLength(2);
    const [first, second] = resumed.attempts;
    expect(first).toMatchObject({ number: 1, workerPid: running.workerPid, resumedAfterEpoch: 0, outcome: 'failed' });
    expect(first.reason).toMatch(/died: killed by SIGKILL/);
    expect(second.workerPid).not.toBe(running.workerPid);
    expect(second.outcome).toBe('succeeded');
    expect(second.resumedAfterEpoch).toBeGreaterThanOrEqual(running.epochs.length - 1); // its last checkpoint
    expect(second.resumedAfterEpoch).toBeLessThan(CONFIG.epochs);
    expect(resumed.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5]);

    const reference = await finished(svc, await launch(svc, 'uninterrupted'));
    expect(reference.status).toBe('SUCCEEDED');
    expect(reference.attempts).toHaveLength(1);
    expect(outcome(resumed)).toEqual(outcome(reference));
  });
});

describe('workers that go silent', () => {
  let svc: TestService;
  const workers: SpawnedWorker[] = [];
  // A short stale window keeps these tests quick; the heartbeat thread beats every 250 ms regardless.
  const env = { RUN_STALE_SECONDS: '3', WORKER_HEARTBEAT_MS: '250' };
  beforeAll(async () => {
    svc = await startTestService({ workers: 0, staleSeconds: 3 });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await svc?.stopAll();
  });
  const start = (extra: Record<string, string> = {}, script?: string) => {
    const w = spawnWorker(svc.databaseUrl, { ...env, MODELS_DIR: path.join(svc.tmp, 'models'), ...extra }, script);
    workers.push(w);
    return w;
  };

  it('a long synchronous training step is not taken for death', async () => {
    const slow = start({ FIXTURE_BLOCK_AFTER_EPOCH: '1', FIXTURE_BLOCK_MS: '8000' }, 'test/server/fixtures/slowStepWorker.ts');
    await slow.line(/ready/);
    const id = await launch(svc, 'one slow step', { ...CONFIG, epochs: 2 });
    await slow.line(/unblocked/, 120_000); // 8 s without the training thread yielding once: > 2× the 3 s stale window
    const run = await finished(svc, id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['succeeded']);
    await slow.stop();
  });

  it('a SIGSTOPped worker\'s run is resumed elsewhere; after SIGCONT the stopped one writes nothing and does not claim a cancel', async () => {
    const a = start();
    await a.line(/ready/);
    const id = await launch(svc, 'stopped worker');
    await waitFor(async () => {
      const r = await getRun(svc, id);
      return r.workerPid === a.pid && r.epochs.length >= 1 && r;
    }, 120_000, 50);
    process.kill(a.pid, 'SIGSTOP');
    const b = start();
    const run = await finished(svc, id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(run.attempts).toHaveLength(2);
    expect(run.attempts[0]).toMatchObject({ workerPid: a.pid, outcome: 'failed' });
    expect(run.attempts[0].reason).toMatch(/stopped responding: no heartbeat since/);
    expect(run.attempts[1]).toMatchObject({ workerPid: b.pid, outcome: 'succeeded' });

    process.kill(a.pid, 'SIGCONT');
    await a.line(/no longer this worker's/);
    expect(a.lines.filter((l) => /cancel/i.test(l))).toEqual([]);
    // The stopped worker woke up mid-epoch and wrote nothing: the run is exactly as B left it.
    expect(await getRun(svc, id)).toEqual(run);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a run whose attempts keep failing ends FAILED after three, listing every reason', async () => {
    let calls = 0;
    const worker = new TrainerWorker({
      url: svc.databaseUrl,
      modelsDir: null,
      pollMs: 100,
      log: () => {},
      train: async () => {
        calls += 1;
        throw new Error(`simulated fault ${calls}: the accelerator fell off the bus`);
      },
    });
    await worker.start();
    try {
      const id = await launch(svc, 'unlucky');
      const run = await finished(svc, id, 60_000);
      expect(run.status).toBe('FAILED');
      expect(run.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
      expect(run.error).toMatch(/^Failed 3 times, no attempts left \(RUN_MAX_ATTEMPTS=3\): attempt 1 \(.* pid \d+\): simulated fault 1: .*; attempt 2 \(.*\): simulated fault 2: .*; attempt 3 \(.*\): simulated fault 3: the accelerator fell off the bus\. The 0 epoch\(s\) it finished are kept\.$/);
      expect(calls).toBe(3);
    } finally {
      await worker.stop();
    }
  });
});
