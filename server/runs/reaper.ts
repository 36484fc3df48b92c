/**
 * Fault handling shared by the server and the workers: a RUNNING run whose worker stopped heartbeating
 * (killed with SIGKILL, crashed, lost its host) is marked FAILED with a reason that says so; its
 * finished epochs stay. Whoever notices first does it; the conditional UPDATE makes it idempotent.
 * A run handed back by a worker that shut down has no heartbeat (NULL) and is not stale: it waits for
 * the next worker (runs/handBack.ts).
 */
import { Prisma, type PrismaClient } from '../db/client';

export const DEFAULT_STALE_SECONDS = Number(process.env.RUN_STALE_SECONDS) || 60;

/**
 * Marks the RUNNING runs `where` selects (over "Run" r) FAILED with `reason` (an SQL text expression)
 * followed by how many finished epochs are kept. Returns their ids.
 */
async function failRuns(prisma: PrismaClient, reason: Prisma.Sql, where: Prisma.Sql): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Run" r SET
      "status" = 'FAILED',
      "finishedAt" = now(),
      "progress" = NULL,
      "error" = format('%s The %s epoch(s) it finished are kept.', ${reason}, (SELECT count(*) FROM "Epoch" e WHERE e."runId" = r."id"))
    WHERE r."status" = 'RUNNING' AND ${where}
    RETURNING r."id"`;
  return rows.map((r) => r.id);
}

/** Marks stale RUNNING runs FAILED; returns their ids. */
export function reapStaleRuns(prisma: PrismaClient, staleSeconds = DEFAULT_STALE_SECONDS): Promise<string[]> {
  return failRuns(
    prisma,
    Prisma.sql`format('Worker %s (pid %s) stopped responding: no heartbeat since %s, more than %s s ago. It probably died (killed, crashed or out of memory).',
      coalesce(r."workerHost", '?'), coalesce(r."workerPid"::text, '?'), to_char(r."heartbeatAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ${staleSeconds}::int)`,
    Prisma.sql`r."workerPid" IS NOT NULL AND r."heartbeatAt" < now() - make_interval(secs => ${staleSeconds}::int)`,
  );
}

/** Marks the runs of a worker process known to be dead (its parent saw it exit) FAILED at once. */
export function failRunsOfDeadWorker(prisma: PrismaClient, host: string, pid: number, how: string): Promise<string[]> {
  return failRuns(
    prisma,
    Prisma.sql`format('Worker %s (pid %s) died while training this run (%s).', ${host}::text, ${pid}::int, ${how}::text)`,
    Prisma.sql`r."workerHost" = ${host} AND r."workerPid" = ${pid}`,
  );
}
