/**
 * How many compute threads a run uses. A worker process may use the cores it was given: on a host with
 * C cores running W trainer workers, ⌊C/W⌋ each (the server passes W; threadsPerWorker). A run's
 * `threads` field overrides that (0 = the worker's share). The native `tensorflow` backend threads
 * itself, so it always gets one replica.
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
