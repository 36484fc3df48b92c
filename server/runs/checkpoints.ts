/**
 * Where a running run's checkpoint lives: one row of "RunCheckpoint" per run in PostgreSQL, next to the
 * run, so a worker on any host can resume it (a file on the first worker's disk would not be reachable).
 * The worker that holds the run overwrites it after each epoch; a trigger deletes it when the run ends.
 */
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import type { PrismaClient } from '../db/client';

export interface RunHolder {
  host: string;
  pid: number;
}

/**
 * Stores the checkpoint if the run is still RUNNING in this worker's hands: a run that was cancelled,
 * reaped or deleted meanwhile must not get a checkpoint back after its trigger discarded the old one.
 * Returns the stored size in bytes, or null when the run is no longer ours.
 */
export async function saveCheckpoint(prisma: PrismaClient, runId: string, holder: RunHolder, checkpoint: TrainingCheckpoint): Promise<number | null> {
  const data = encodeCheckpoint(checkpoint);
  const stored = await prisma.$executeRaw`
    INSERT INTO "RunCheckpoint" ("runId", "epoch", "data", "updatedAt")
    SELECT r."id", ${checkpoint.history.length}::int, ${data}, now() FROM "Run" r
    WHERE r."id" = ${runId}::uuid AND r."status" = 'RUNNING' AND r."workerHost" = ${holder.host} AND r."workerPid" = ${holder.pid}
    ON CONFLICT ("runId") DO UPDATE SET "epoch" = EXCLUDED."epoch", "data" = EXCLUDED."data", "updatedAt" = EXCLUDED."updatedAt"`;
  return stored ? data.length : null;
}

export type LoadedCheckpoint = { checkpoint: TrainingCheckpoint } | { unreadable: string } | null;

/** The run's checkpoint, a reason it cannot be read, or null when it has none. */
export async function loadCheckpoint(prisma: PrismaClient, runId: string): Promise<LoadedCheckpoint> {
  const row = await prisma.runCheckpoint.findUnique({ where: { runId } });
  if (!row) return null;
  try {
    return { checkpoint: decodeCheckpoint(row.data) };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}

export async function discardCheckpoint(prisma: PrismaClient, runId: string): Promise<void> {
  await prisma.runCheckpoint.deleteMany({ where: { runId } });
}
