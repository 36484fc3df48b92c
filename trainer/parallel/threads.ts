/**
 * How many compute threads a run uses. A worker process may use the cores it was given: on a host with
 * C cores running W trainer workers, ⌊C/W⌋ each (the server passes W; threadsPerWorker). A run's
 * `threads` field overrides that (0 = the worker's share). The native `tensorflow` backend threads
 * itself, so it always gets one replica.
 *
 * On the native CPU path (wasm with its matrix products on OpenBLAS) a run's T threads are split into
 * data-parallel replicas × BLAS threads per replica, never more than T in all (planThreads): whichever
 * split `npm run bench` measured faster (trainer/README.md).
 */
import os from 'node:os';
import type { BackendName } from '../engine/backend';

/** Cores this process may run on (affinity-aware where Node knows it). */
export function hostCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** The default thread count of each of `workersOnHost` trainer workers sharing this host's cores. */
export function threadsPerWorker(workersOnHost = 1, cores = hostCores()): number {
  if (!(Number.isInteger(workersOnHost) && workersOnHost >= 1)) throw new Error(`workersOnHost must be a positive integer, got ${workersOnHost}`);
  return Math.max(1, Math.floor(cores / workersOnHost));
}

/** Fewest rows per replica the default thread count allows. */
export const MIN_SHARD_ROWS = 32;

/**
 * The replicas a run trains with: `requested` when positive, else `budget` (the worker's share of the
 * host, default all cores), but no more than leave MIN_SHARD_ROWS rows of a `batchSize` batch to each.
 * One on the tensorflow backend.
 */
export function resolveThreads(requested: number, backend: BackendName, budget = threadsPerWorker(), batchSize = Infinity): number {
  if (backend === 'tensorflow') return 1;
  if (requested > 0) return requested;
  return Math.max(1, Math.min(budget, Math.floor(batchSize / MIN_SHARD_ROWS)));
}

/** How a run's compute threads are used: data-parallel replicas, each calling BLAS with `blasThreads` threads. */
export interface ThreadPlan {
  replicas: number;
  blasThreads: number;
}

/**
 * How `threads` compute threads are split on the native CPU path. `replicas` (the default: measured
 * faster on 2 cores, trainer/README.md) puts every thread in its own data-parallel replica with a
 * one-thread BLAS, which also spreads the elementwise ops and the optimiser step; `blas` keeps one
 * replica and gives BLAS every thread (the split PyTorch does best with). Without native kernels the
 * threads are replicas. replicas × blasThreads never exceeds threads.
 */
export function planThreads(threads: number, nativeKernels: boolean, split: 'replicas' | 'blas' = defaultSplit()): ThreadPlan {
  if (!nativeKernels || split === 'replicas' || threads <= 1) return { replicas: threads, blasThreads: 1 };
  return { replicas: 1, blasThreads: threads };
}

/** THREAD_SPLIT=blas|replicas overrides the measured default (for the benchmark that compares them). */
function defaultSplit(): 'replicas' | 'blas' {
  return process.env.THREAD_SPLIT === 'blas' ? 'blas' : 'replicas';
}
