/**
 * The stale-heartbeat sweep, run periodically by the server and by every worker: a HELD run whose
 * worker has not beaten for `staleSeconds` (killed, crashed, stopped, lost its host or its database
 * connection) has its attempt failed and goes back to the queue with its checkpoint, or ends FAILED on
 * its last attempt (lifecycle.reap). Whoever looks first does it; the guarded UPDATE makes it idempotent.
 * A WAITING run has no holder and is never reaped.
 */
import { reap } from './lifecycle';
import type { Db } from './sql';

export const DEFAULT_STALE_SECONDS = Number(process.env.RUN_STALE_SECONDS) || 60;

/** Reaps stale HELD runs; returns their ids. */
export async function reapStaleRuns(db: Db, staleSeconds = DEFAULT_STALE_SECONDS): Promise<string[]> {
  return (await reap(db, { staleSeconds })).map((r) => r.id);
}
