-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "warning" TEXT,
ADD COLUMN     "workerId" UUID;

-- AlterTable
ALTER TABLE "Worker" ADD COLUMN     "modelsProblem" TEXT;

-- CreateTable
CREATE TABLE "RunAttempt" (
    "runId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "workerId" UUID NOT NULL,
    "workerHost" TEXT NOT NULL,
    "workerPid" INTEGER NOT NULL,
    "resumedAfterEpoch" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "reason" TEXT,

    CONSTRAINT "RunAttempt_pkey" PRIMARY KEY ("runId","number")
);

-- AddForeignKey
ALTER TABLE "RunAttempt" ADD CONSTRAINT "RunAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (prisma migrate diff does not model these); see server/runs/lifecycle.ts.
-- A run has at most one attempt in progress.
CREATE UNIQUE INDEX "RunAttempt_one_open_per_run" ON "RunAttempt"("runId") WHERE "endedAt" IS NULL;

-- Only a RUNNING run has a holder.
ALTER TABLE "Run" ADD CONSTRAINT "Run_holder_only_while_running" CHECK ("workerId" IS NULL OR "status" = 'RUNNING');

-- Runs held by workers of the previous version (host and pid, no token) get a token no live worker
-- has: their workers stop heartbeating them, and the reaper puts them back in the queue.
UPDATE "Run" SET "workerId" = gen_random_uuid() WHERE "status" = 'RUNNING' AND "workerPid" IS NOT NULL;
