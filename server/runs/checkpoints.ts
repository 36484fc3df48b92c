/**
 * Where a running run's checkpoint lives: one row of "RunCheckpoint" per run in PostgreSQL, next to the
 * run, so a worker on any host can resume it (a file on the first worker's disk would not be reachable).
 * The worker that holds the run overwrites it after each epoch (lifecycle.storeCheckpoint); a trigger
 * deletes it when the run ends. The bytes go through node-postgres directly: for an M1g checkpoint
 * (6.8 MB) Prisma's JS engine takes ~3× as long to write and ~4× to read (`npm run bench:api`).
 */
import { decodeCheckpoint, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import type { Sql } from './sql';

export type LoadedCheckpoint = { checkpoint: TrainingCheckpoint } | { unreadable: string } | null;

/** The run's checkpoint, a reason it cannot be read, or null when it has none. */
export async function loadCheckpoint(db: Sql, runId: string): Promise<LoadedCheckpoint> {
  const { rows } = await db.query<{ data: Buffer }>('SELECT "data" FROM "RunCheckpoint" WHERE "runId" = $1::uuid', [runId]);
  if (!rows.length) return null;
  try {
    return { checkpoint: decodeCheckpoint(rows[0].data) };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}
