/**
 * Where a running run's checkpoint lives: one row of "RunCheckpoint" per run in PostgreSQL, next to the
 * run, so a worker on any host can resume it (a file on the first worker's disk would not be reachable).
 * The worker that holds the run overwrites it after each epoch; a trigger deletes it when the run ends.
 * The bytes go through node-postgres directly: for an M1g checkpoint (6.8 MB) Prisma's JS engine takes
 * ~3× as long to write and ~4× to read (`npm run bench:api`, section 3, measured both ways).
 */
import type pg from 'pg';
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from '../../trainer/train/checkpoint';

type Queryable = Pick<pg.Pool, 'query'>;

export interface RunHolder {
  host: string;
  pid: number;
}

/**
 * Stores the checkpoint if the run is still RUNNING in this worker's hands: a run that was cancelled,
 * reaped or deleted meanwhile must not get a checkpoint back after its trigger discarded the old one.
 * Returns the stored size in bytes, or null when the run is no longer ours.
 */
export async function saveCheckpoint(db: Queryable, runId: string, holder: RunHolder, checkpoint: TrainingCheckpoint): Promise<number | null> {
  const data = encodeCheckpoint(checkpoint);
  const { rowCount } = await db.query(
    `INSERT INTO "RunCheckpoint" ("runId", "epoch", "data", "updatedAt")
     SELECT r."id", $2::int, $3::bytea, now() FROM "Run" r
     WHERE r."id" = $1::uuid AND r."status" = 'RUNNING' AND r."workerHost" = $4 AND r."workerPid" = $5
     ON CONFLICT ("runId") DO UPDATE SET "epoch" = EXCLUDED."epoch", "data" = EXCLUDED."data", "updatedAt" = EXCLUDED."updatedAt"`,
    [runId, checkpoint.history.length, data, holder.host, holder.pid],
  );
  return rowCount ? data.length : null;
}

export type LoadedCheckpoint = { checkpoint: TrainingCheckpoint } | { unreadable: string } | null;

/** The run's checkpoint, a reason it cannot be read, or null when it has none. */
export async function loadCheckpoint(db: Queryable, runId: string): Promise<LoadedCheckpoint> {
  const { rows } = await db.query<{ data: Buffer }>('SELECT "data" FROM "RunCheckpoint" WHERE "runId" = $1::uuid', [runId]);
  if (!rows.length) return null;
  try {
    return { checkpoint: decodeCheckpoint(rows[0].data) };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}

export async function discardCheckpoint(db: Queryable, runId: string): Promise<void> {
  await db.query('DELETE FROM "RunCheckpoint" WHERE "runId" = $1::uuid', [runId]);
}
