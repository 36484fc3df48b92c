/**
 * Training-step throughput of an engine on the active backend, through the real data path: a seeded
 * synthetic uint8 pool in shared memory, and either the single-thread path (batches prepared by the
 * prefetching stream, one trainStep per batch) or `threads` data-parallel replicas (the pool of
 * trainer/parallel/, as a run with --threads N uses it). Samples/s over timed steps after a warm-up
 * (validation and file loading excluded; they are measured separately), the CPU the process used
 * meanwhile (cores busy), and its peak RSS. The warm-up lasts `warmup` seconds: a new thread's wasm code
 * starts in V8's baseline compiler and is recompiled optimised in the background over its first seconds.
 */
import { withOverrides, type RunConfig } from '../config/schema';
import { createModel } from '../engine/factory';
import { activeBackend, kernelLibrary, setKernelThreads } from '../engine/backend';
import { PrefetchingBatchStream } from '../data/prefetchStream';
import type { Dataset } from '../data/dataset';
import { ReplicaPool } from '../parallel/replicaPool';
import { planThreads } from '../parallel/threads';
import { mulberry32 } from '../util/rng';

export interface ThroughputFigure {
  network: string;
  engine: string;
  /** Compute threads in all: replicas × BLAS threads. */
  threads: number;
  replicas: number;
  blasThreads: number;
  /** The kernel library the matrix products ran on. */
  kernels: string;
  samplesPerSecond: number;
  msPerStep: number;
  steps: number;
  /** Process CPU time over wall time in the timed window: the cores kept busy. */
  coresBusy: number;
  /** Highest resident set size of the process seen while training (bytes). */
  peakRss: number;
}

/** EMNIST-like synthetic images (mostly background, some ink) in shared memory. */
export function syntheticDataset(count: number, classes = 47, seed = 1): Dataset {
  const rng = mulberry32(seed);
  const images = new Uint8Array(new SharedArrayBuffer(count * 784));
  for (let i = 0; i < images.length; i++) images[i] = rng() < 0.8 ? 0 : Math.floor(rng() * 256);
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  for (let i = 0; i < count; i++) labels[i] = i % classes;
  return { name: 'synthetic', images, labels, count, rows: 28, cols: 28, classNames: Array.from({ length: classes }, (_, i) => String(i)), transposed: false, sources: [{ file: 'synthetic', role: 'train', start: 0, count }] };
}

interface Options {
  seconds?: number;
  batchSize?: number;
  overrides?: Partial<RunConfig>;
  /** Compute threads (default 1: the single-thread path), split as a run splits them (planThreads). */
  threads?: number;
  /** How the threads are split on the native CPU path (default: as a run does). */
  split?: 'replicas' | 'blas';
  /** Synthetic images to train on (default 40 batches' worth). */
  images?: number;
  /** Untimed training first, in seconds (default 2). */
  warmup?: number;
}

export async function measureThroughput(base: RunConfig, hidden: number[], options: Options = {}): Promise<ThroughputFigure> {
  const batchSize = options.batchSize ?? 512;
  const threads = options.threads ?? 1;
  const config = withOverrides(base, { hidden, batchSize, ...options.overrides });
  const ds = syntheticDataset(options.images ?? batchSize * 40);
  const model = createModel(config, 784, 47);
  const indices = Uint32Array.from({ length: ds.count }, (_, i) => i);
  const budget = (options.seconds ?? 6) * 1000;
  const warmup = (options.warmup ?? 2) * 1000;
  let peakRss = process.memoryUsage().rss;
  let steps = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  let started = 0;
  const onStep = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const now = performance.now();
    if (started === 0) started = now;
    if (t0 === 0) {
      if (now - started >= warmup) {
        t0 = now;
        cpu0 = process.cpuUsage();
      }
    } else steps++;
    return true;
  };
  const plan = planThreads(threads, setKernelThreads(1), options.split);
  setKernelThreads(plan.blasThreads);
  const pool = plan.replicas > 1 ? await ReplicaPool.start({ threads: plan.replicas, backend: activeBackend(), config, dataset: ds, inputSize: 784, classes: 47, trainRows: ds.count, weights: model.snapshot() }) : null;
  const stream = pool ? null : new PrefetchingBatchStream(ds, indices, batchSize, { shuffleSeed: 1, withTransposed: model.usesTransposedInput });
  try {
    while (t0 === 0 || performance.now() - t0 < budget || steps < 5) {
      if (pool) await pool.trainEpoch(indices, batchSize, config.lr, onStep);
      else {
        for await (const { x, xT, labels } of stream!.epoch()) {
          model.trainStep(x, labels, config.lr, xT);
          x.dispose();
          xT?.dispose();
          onStep();
        }
      }
    }
  } finally {
    await stream?.close();
    await pool?.close();
    model.dispose();
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const ms = elapsed / steps;
  return { network: [784, ...hidden, 47].join('-'), engine: config.engine, threads, replicas: plan.replicas, blasThreads: plan.blasThreads, kernels: kernelLibrary(), samplesPerSecond: (batchSize * 1000) / ms, msPerStep: ms, steps, coresBusy: (cpu.user + cpu.system) / 1000 / elapsed, peakRss };
}
