/**
 * Workers that say what they can do, and runs that go where they fit (issue 14), against a real
 * PostgreSQL and the GraphQL API. In-process workers fake their host's capabilities through the
 * `capabilities` option (this machine has no tfjs-node): a wasm-only worker passes over a run that asks
 * for `tensorflow`, which shows why it waits, while it trains an `auto` run launched after it; a worker
 * with tensorflow (a fake GPU host whose trainer runs on cpu here) then takes it. The system view lists
 * the workers with their capabilities and runs. Two workers on one host with 6 cores default to 3
 * threads each, and the run records the 3 it trained with.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import { whyWaiting } from '../../server/worker/routing';
import { threadBudget, threadPolicyFromEnv } from '../../server/worker/threadBudget';
import { TrainerWorker, type WorkerOptions } from '../../server/worker/worker';
import type { BackendCapability, HostCapabilities } from '../../trainer/engine/backend';
import { runExperiment } from '../../trainer/run';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

const WASM: BackendCapability = { backend: 'wasm', device: 'cpu', detail: 'WebAssembly SIMD (@tensorflow/tfjs-backend-wasm)' };
const CPU: BackendCapability = { backend: 'cpu', device: 'cpu', detail: 'plain JavaScript (@tensorflow/tfjs)' };
const GPU: BackendCapability = { backend: 'tensorflow', device: 'gpu', detail: 'NVIDIA Test GPU 80GB' };
const GiB = 2 ** 30;

const LAUNCH = 'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id status waitingReason } }';
const RUN = 'query($id: ID!) { run(id: $id) { status backend threads waitingReason queuePosition attempts { number } } }';
const SYSTEM = `{ system { workers backends workerList {
  host pid backends { backend device detail } gpu cores memoryBytes threads problem run { id name } startedAt heartbeatAt } } }`;

describe('capability routing', () => {
  let svc: TestService;
  let prisma: PrismaClient;
  const workers: TrainerWorker[] = [];
  const startWorker = async (capabilities: HostCapabilities, extra: Partial<WorkerOptions> = {}) => {
    const worker = new TrainerWorker({ url: svc.databaseUrl, modelsDir: null, pollMs: 100, heartbeatMs: 200, log: () => {}, capabilities, threadPolicy: { fixed: null, workersOnHost: 1 }, ...extra });
    workers.push(worker);
    await worker.start();
    return worker;
  };
  const launch = async (name: string, config: Record<string, unknown>) => {
    const res = await svc.gql(LAUNCH, { input: { name, dataset: 'mnist', config } });
    expect(res.errors).toBeUndefined();
    return res.data.launchRun as { id: string; status: string; waitingReason: string | null };
  };
  const run = async (id: string) => (await svc.gql(RUN, { id })).data.run;
  const finished = (id: string) => waitFor(async () => ((await run(id)).status === 'SUCCEEDED' ? run(id) : null), 120_000);
  const system = async () => {
    const res = await svc.gql(SYSTEM);
    expect(res.errors).toBeUndefined();
    return res.data.system;
  };

  beforeAll(async () => {
    svc = await startTestService({ workers: 0 });
    prisma = createPrisma(svc.databaseUrl);
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await prisma?.$disconnect();
    await svc?.stopAll();
  });

  it('a run needing tensorflow is passed over by a wasm-only worker, says why it waits, and is taken by a worker with tensorflow', async () => {
    // Launched before any worker exists: allowed (a GPU host may join later), and the answer says so.
    const gpuRun = await launch('needs tensorflow', { ...TINY, backend: 'tensorflow' });
    expect(gpuRun).toMatchObject({ status: 'QUEUED', waitingReason: 'waiting for a worker with tensorflow' });
    const autoRun = await launch('any backend', { ...TINY, backend: 'auto' });
    expect(autoRun.waitingReason).toBe('waiting for a worker: none is running');

    // A wasm-only host: it trains the auto run (launched after the tensorflow one) on its best backend.
    const wasmWorker = await startWorker({ backends: [WASM], cores: 1, memoryBytes: 8 * GiB });
    expect(await finished(autoRun.id)).toMatchObject({ status: 'SUCCEEDED', backend: 'wasm', threads: 1, waitingReason: null });
    // The tensorflow run is still queued, untouched, and says why.
    expect(await run(gpuRun.id)).toEqual({ status: 'QUEUED', backend: null, threads: null, waitingReason: 'waiting for a worker with tensorflow', queuePosition: 0, attempts: [] });
    const before = await system();
    expect(before).toMatchObject({ workers: 1, backends: ['wasm'] });
    expect(before.workerList).toEqual([
      {
        host: os.hostname(),
        pid: process.pid,
        backends: [WASM],
        gpu: null,
        cores: 1,
        memoryBytes: 8 * GiB,
        threads: 1,
        problem: null,
        run: null,
        startedAt: expect.any(String),
        heartbeatAt: expect.any(String),
      },
    ]);

    // A GPU host joins. Its trainer is held at the start of the run so the system view can be read
    // while it trains; this machine has no tfjs-node, so the fake GPU host trains on cpu.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const training = new Promise<void>((r) => (started = r));
    const gpuWorker = await startWorker(
      { backends: [GPU, WASM, CPU], cores: 1, memoryBytes: 64 * GiB },
      {
        train: async (config, options) => {
          started();
          await released;
          return runExperiment({ ...config, backend: 'cpu' }, options);
        },
      },
    );
    await training;
    const during = await system();
    expect(during).toMatchObject({ workers: 2, backends: ['tensorflow', 'wasm', 'cpu'] });
    const [gpuHost, wasmHost] = [...during.workerList].sort((a: { gpu: string | null }) => (a.gpu ? -1 : 1));
    expect(gpuHost).toMatchObject({ backends: [GPU, WASM, CPU], gpu: 'NVIDIA Test GPU 80GB', cores: 1, memoryBytes: 64 * GiB, run: { id: gpuRun.id, name: 'needs tensorflow' } });
    expect(wasmHost).toMatchObject({ backends: [WASM], gpu: null, run: null });
    // Another tensorflow run is now only in line (a live worker has tensorflow): no waiting reason.
    const second = await launch('also needs tensorflow', { ...TINY, backend: 'tensorflow', epochs: 1 });
    expect(second.waitingReason).toBeNull();
    release();

    expect(await finished(gpuRun.id)).toMatchObject({ status: 'SUCCEEDED', waitingReason: null, attempts: [{ number: 1 }] });
    await finished(second.id);
    // Both were trained by the worker with tensorflow, never by the wasm-only one.
    const attempts = await prisma.runAttempt.findMany({ where: { runId: { in: [gpuRun.id, second.id] } } });
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => a.workerId === gpuWorker.holder.id)).toBe(true);
    expect(await prisma.runAttempt.count({ where: { workerId: wasmWorker.holder.id } })).toBe(1); // the auto run

    for (const w of workers.splice(0)) await w.stop();
    expect(await system()).toMatchObject({ workers: 0, backends: [], workerList: [] });
  });

  it('two workers on a host with 6 cores default to 3 threads each, and the run records the threads it used', async () => {
    // Not this machine's core count, so a worker that ignored its share (all cores) would be caught.
    const host6: HostCapabilities = { backends: [CPU], cores: 6, memoryBytes: 16 * GiB };
    await startWorker(host6);
    await startWorker(host6);
    // Each counts the live workers on its host before every claim; the registry rows say what they found.
    await waitFor(async () => {
      const list = (await system()).workerList as { threads: number }[];
      return list.length === 2 && list.every((w) => w.threads === 3);
    }, 30_000);
    const launched = await launch('default threads', { ...TINY, epochs: 1 }); // threads: 0, the default
    expect(await finished(launched.id)).toMatchObject({ status: 'SUCCEEDED', backend: 'cpu', threads: 3 });
    for (const w of workers.splice(0)) await w.stop();
  });
});

describe('routing and thread rules', () => {
  it('says why a run waits only when no live worker that takes runs can train it', () => {
    const gpuAndCpu = { workers: 2, backends: ['tensorflow', 'wasm', 'cpu'] };
    const cpuOnly = { workers: 1, backends: ['wasm', 'cpu'] };
    const none = { workers: 0, backends: [] };
    expect(whyWaiting('tensorflow', cpuOnly)).toBe('waiting for a worker with tensorflow');
    expect(whyWaiting('tensorflow', gpuAndCpu)).toBeNull();
    expect(whyWaiting('wasm', cpuOnly)).toBeNull();
    expect(whyWaiting('auto', cpuOnly)).toBeNull();
    expect(whyWaiting('auto', none)).toBe('waiting for a worker: none is running');
    expect(whyWaiting('cpu', none)).toBe('waiting for a worker with cpu');
  });

  it('shares a host\'s cores among its workers: ⌊C/W⌋, W the larger of the supervisor\'s count and the live workers counted; WORKER_THREADS fixes it', () => {
    const share = { fixed: null, workersOnHost: 1 };
    expect(threadBudget(share, 16, 1)).toBe(16);
    expect(threadBudget(share, 16, 3)).toBe(5);
    expect(threadBudget(share, 2, 3)).toBe(1); // never below one
    expect(threadBudget({ fixed: null, workersOnHost: 4 }, 16, 1)).toBe(4); // siblings not registered yet
    expect(threadBudget({ fixed: null, workersOnHost: 2 }, 16, 4)).toBe(4); // more than the server started
    expect(threadBudget({ fixed: 3, workersOnHost: 4 }, 16, 8)).toBe(3);
    expect(threadPolicyFromEnv({})).toEqual({ fixed: null, workersOnHost: 1 });
    expect(threadPolicyFromEnv({ WORKER_THREADS: '6', WORKERS_ON_HOST: '2' })).toEqual({ fixed: 6, workersOnHost: 2 });
    expect(() => threadPolicyFromEnv({ WORKER_THREADS: 'all' })).toThrow('WORKER_THREADS=all is not a whole number from 1 to 64; unset it or set it to one');
    expect(() => threadPolicyFromEnv({ WORKER_THREADS: '0' })).toThrow(/^WORKER_THREADS=0 is not a whole number/);
  });
});
