/**
 * Which trainer workers exist, on any host: each worker keeps a row in "Worker" while it runs, so the
 * dashboard can say how many are training or waiting for work — also those started with `npm run
 * worker` elsewhere against the same database, which no server supervises. A worker that dies without
 * removing its row stops refreshing it and drops out of the count after the stale window (at once when
 * its supervising server sees it exit).
 */
import type { PrismaClient } from '../db/client';
import type { RunHolder } from '../runs/checkpoints';

/** Registers the worker, or refreshes its heartbeat (also after its row was cleaned away). */
export async function announceWorker(prisma: PrismaClient, worker: RunHolder): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "Worker" ("host", "pid") VALUES (${worker.host}, ${worker.pid})
    ON CONFLICT ("host", "pid") DO UPDATE SET "heartbeatAt" = now()`;
}

export async function forgetWorker(prisma: PrismaClient, worker: RunHolder): Promise<void> {
  await prisma.worker.deleteMany({ where: { host: worker.host, pid: worker.pid } });
}

/** Workers whose heartbeat is younger than `staleSeconds`; rows older than a day are removed on the way. */
export async function countLiveWorkers(prisma: PrismaClient, staleSeconds: number): Promise<number> {
  const now = Date.now();
  await prisma.worker.deleteMany({ where: { heartbeatAt: { lt: new Date(now - 86_400_000) } } });
  return prisma.worker.count({ where: { heartbeatAt: { gte: new Date(now - staleSeconds * 1000) } } });
}
