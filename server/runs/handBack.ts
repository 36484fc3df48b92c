/**
 * A RUNNING run that no worker holds. A worker that shuts down (SIGTERM, its server stopping) hands its
 * run back rather than failing or requeuing it: the run stays RUNNING with its finished epochs, and the
 * next worker that looks for work takes it before any queued run and resumes it from its checkpoint
 * (server/runs/checkpoints.ts). A server restart therefore leaves running runs running.
 */
import { Prisma, type PrismaClient } from '../db/client';
import type { RunHolder } from './checkpoints';
import { isProcessAlive } from '../util/processAlive';

/** The progress phase a handed-back run shows until a worker takes it. */
export const WAITING_FOR_WORKER = 'waiting for a worker';

/**
 * Hands back the runs `where` selects (over "Run" r). A run whose cancel was asked for meanwhile ends
 * CANCELLED instead, since no worker would pick it up to notice. Returns the ids.
 */
async function handBack(prisma: PrismaClient, where: Prisma.Sql): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Run" r SET
      "status" = CASE WHEN r."cancelRequested" THEN 'CANCELLED'::"RunStatus" ELSE 'RUNNING'::"RunStatus" END,
      "finishedAt" = CASE WHEN r."cancelRequested" THEN now() END,
      "workerHost" = NULL, "workerPid" = NULL, "heartbeatAt" = NULL,
      "progress" = CASE WHEN r."cancelRequested" THEN NULL ELSE jsonb_build_object(
        'phase', ${WAITING_FOR_WORKER}::text,
        'epoch', coalesce((SELECT c."epoch" FROM "RunCheckpoint" c WHERE c."runId" = r."id"), 0),
        'epochs', (r."config"->>'epochs')::int, 'batch', 0, 'batches', 0) END
    WHERE r."status" = 'RUNNING' AND ${where}
    RETURNING r."id"`;
  return rows.map((r) => r.id);
}

/** A worker giving back the run it holds (it is shutting down). False when the run was no longer its. */
export async function handBackRun(prisma: PrismaClient, runId: string, holder: RunHolder): Promise<boolean> {
  const ids = await handBack(prisma, Prisma.sql`r."id" = ${runId}::uuid AND r."workerHost" = ${holder.host} AND r."workerPid" = ${holder.pid}`);
  return ids.length > 0;
}

/**
 * At start-up of the embedded default, every worker was a child of a previous server on this host. A
 * run such a worker still held (the server was stopped with Ctrl-C, which stops PostgreSQL before the
 * workers can hand their runs back, or the machine went down) is handed back the same way.
 */
export async function handBackRunsOfDeadLocalWorkers(prisma: PrismaClient, host: string): Promise<string[]> {
  const rows = await prisma.run.findMany({ where: { status: 'RUNNING', workerHost: host, workerPid: { not: null } }, select: { id: true, workerPid: true } });
  const dead = rows.filter((r) => !isProcessAlive(r.workerPid!)).map((r) => r.id);
  if (dead.length === 0) return [];
  return handBack(prisma, Prisma.sql`r."id" = ANY(${dead}::uuid[]) AND r."workerHost" = ${host}`);
}
