/**
 * Archiving and deleting runs. Archive hides a finished run from lists and the report by default and
 * can be undone (restore); it is refused for queued and running runs (cancel them first). Delete removes
 * the run for good: its row (with its epochs, evaluation, attempts, checkpoint and report pins — all
 * ON DELETE CASCADE; a pinned run's report row falls back to its best exact run) through the lifecycle's
 * `remove`, then its model folder (modelFiles.ts). `stopAndDelete` is the group's delete: it cancels
 * what is still active, waits briefly for running members to stop after their batch, and deletes.
 */
import type { PrismaClient, Run } from '../db/client';
import { inputError } from '../errors';
import * as lifecycle from './lifecycle';
import { discardModelFiles } from './modelFiles';
import { getRunOrThrow } from './service';
import { toSql } from './sql';

/** A run's outcome in an action on several runs. */
export interface RunOutcome {
  id: string;
  ok: boolean;
  message: string | null;
}

export async function archiveRun(prisma: PrismaClient, id: string): Promise<Run> {
  const run = await getRunOrThrow(prisma, id);
  if (run.archivedAt) return run;
  if (run.status === 'QUEUED' || run.status === 'RUNNING') throw inputError(`Run "${run.name}" is ${run.status}; cancel it first, then archive it`);
  await toSql(prisma).query(`UPDATE "Run" SET "archivedAt" = now() WHERE "id" = $1::uuid AND "archivedAt" IS NULL AND "status" NOT IN ('QUEUED', 'RUNNING')`, [id]);
  return getRunOrThrow(prisma, id);
}

export async function restoreRun(prisma: PrismaClient, id: string): Promise<Run> {
  await getRunOrThrow(prisma, id);
  await toSql(prisma).query(`UPDATE "Run" SET "archivedAt" = NULL WHERE "id" = $1::uuid AND "archivedAt" IS NOT NULL`, [id]);
  return getRunOrThrow(prisma, id);
}

/** Deletes a run that is not RUNNING, then its model folder. */
export async function deleteRun(prisma: PrismaClient, id: string): Promise<boolean> {
  const run = await getRunOrThrow(prisma, id);
  if (run.status === 'RUNNING') throw inputError(`Run ${id} is RUNNING; cancel it first, then delete it`);
  if (!(await lifecycle.remove(prisma, id))) return false;
  await discardModelFiles(prisma, run).catch((err) => console.error(`[runs] run ${id} deleted, but its model folder ${run.modelPath} could not be removed: ${(err as Error).message}`));
  return true;
}

/** How long a group delete waits for its running members to stop after their current batch. */
export const STOP_WAIT_MS = 15_000;

/**
 * Cancels each run that is still active, waits (up to `waitMs`) for the ones a worker holds to stop,
 * then deletes every run that is no longer running. Runs still running after the wait are left, and
 * say so.
 */
export async function stopAndDelete(prisma: PrismaClient, runs: Pick<Run, 'id' | 'status'>[], waitMs = STOP_WAIT_MS): Promise<RunOutcome[]> {
  const sql = toSql(prisma);
  for (const run of runs) if (run.status === 'QUEUED' || run.status === 'RUNNING') await lifecycle.cancel(prisma, run.id);
  const ids = runs.map((r) => r.id);
  const end = Date.now() + waitMs;
  for (;;) {
    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Run" WHERE "id" = ANY($1::uuid[]) AND "status" = 'RUNNING'`, [ids]);
    if (!rows[0].n || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const outcomes: RunOutcome[] = [];
  for (const id of ids) {
    try {
      const deleted = await deleteRun(prisma, id);
      outcomes.push({ id, ok: deleted, message: deleted ? null : 'it was already gone' });
    } catch (err) {
      outcomes.push({ id, ok: false, message: (err as Error).message.includes('RUNNING') ? 'still stopping after its current batch; delete it again in a moment' : (err as Error).message });
    }
  }
  return outcomes;
}
