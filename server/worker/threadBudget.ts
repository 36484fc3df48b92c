/**
 * How many compute threads a worker's runs get by default (a run's config `threads: 0`): on a host with
 * C cores where W trainer workers run, ⌊C/W⌋ each (the trainer's threadsPerWorker), so workers sharing a
 * host never ask for more cores than it has. The worker passes the result to runExperiment as its
 * `threadBudget`; the trainer may use fewer (a small batch, the tensorflow backend) and records the count
 * it used on the run.
 *
 * W is worked out again before every claim, as the larger of
 *  - the workers its supervising server starts on this host (WORKERS_ON_HOST, set by supervisor.ts: it
 *    knows its children before they have registered), and
 *  - the live workers registered in the database on this host (this one included), which also counts
 *    `npm run worker` processes started beside it, in any order.
 * WORKER_THREADS=N fixes the count instead (e.g. to keep cores free for something else on the host).
 */
import { MAX_THREADS } from '../../trainer/config/schema';
import { threadsPerWorker } from '../../trainer/parallel/threads';
import type { Db } from '../runs/sql';
import { StartupError } from '../util/startupError';
import { countLiveWorkersOnHost } from './registry';

export interface ThreadPolicy {
  /** WORKER_THREADS: every run gets this many (when its config says 0); null = share the host. */
  fixed: number | null;
  /** WORKERS_ON_HOST: workers its server starts on this host (1 for a lone `npm run worker`). */
  workersOnHost: number;
}

function positiveInteger(name: string, value: string | undefined, max: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new StartupError(`${name}=${value} is not a whole number from 1 to ${max}; unset it or set it to one`);
  return n;
}

/** The policy from WORKER_THREADS and WORKERS_ON_HOST; a value that is not a positive integer stops the worker with one line. */
export function threadPolicyFromEnv(env: Record<string, string | undefined> = process.env): ThreadPolicy {
  return { fixed: positiveInteger('WORKER_THREADS', env.WORKER_THREADS, MAX_THREADS), workersOnHost: positiveInteger('WORKERS_ON_HOST', env.WORKERS_ON_HOST, 1024) ?? 1 };
}

/** The default thread count for a worker on a host with `cores` cores shared by `workers` workers. */
export function threadBudget(policy: ThreadPolicy, cores: number, workers: number): number {
  return policy.fixed ?? threadsPerWorker(Math.max(1, policy.workersOnHost, workers), Math.max(1, cores));
}

/** The budget of worker `self` now: its policy, with the live workers on its host counted in the database. */
export async function currentThreadBudget(db: Db, policy: ThreadPolicy, self: { id: string; host: string }, cores: number, staleSeconds: number): Promise<number> {
  if (policy.fixed !== null) return policy.fixed;
  const others = await countLiveWorkersOnHost(db, self.host, self.id, staleSeconds);
  return threadBudget(policy, cores, others + 1);
}
