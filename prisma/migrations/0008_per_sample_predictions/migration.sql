-- CreateEnum
CREATE TYPE "ReevaluationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "EpochConfusion" (
    "runId" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "classes" INTEGER NOT NULL,
    "counts" INTEGER[],

    CONSTRAINT "EpochConfusion_pkey" PRIMARY KEY ("runId","epoch")
);

-- CreateTable
CREATE TABLE "TestPredictions" (
    "runId" UUID NOT NULL,
    "count" INTEGER NOT NULL,
    "classes" INTEGER NOT NULL,
    "sources" JSONB NOT NULL,
    "data" BYTEA NOT NULL,
    "origin" TEXT NOT NULL,
    "confusionDelta" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TestPredictions_pkey" PRIMARY KEY ("runId")
);

-- CreateTable
CREATE TABLE "Reevaluation" (
    "runId" UUID NOT NULL,
    "status" "ReevaluationStatus" NOT NULL DEFAULT 'QUEUED',
    "requestedById" TEXT,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workerId" UUID,
    "workerHost" TEXT,
    "workerPid" INTEGER,
    "startedAt" TIMESTAMPTZ(3),
    "heartbeatAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "progress" JSONB,
    "error" TEXT,

    CONSTRAINT "Reevaluation_pkey" PRIMARY KEY ("runId")
);

-- CreateIndex
CREATE INDEX "Reevaluation_status_requestedAt_idx" ON "Reevaluation"("status", "requestedAt");

-- AddForeignKey
ALTER TABLE "EpochConfusion" ADD CONSTRAINT "EpochConfusion_runId_epoch_fkey" FOREIGN KEY ("runId", "epoch") REFERENCES "Epoch"("runId", "epoch") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TestPredictions" ADD CONSTRAINT "TestPredictions_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reevaluation" ADD CONSTRAINT "Reevaluation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (prisma migrate diff does not model these); see server/runs/lifecycle.ts.
-- Encoded predictions are floats and small integers that barely compress: store them without trying.
ALTER TABLE "TestPredictions" ALTER COLUMN "data" SET STORAGE EXTERNAL;

-- Only a RUNNING re-evaluation has a worker.
ALTER TABLE "Reevaluation" ADD CONSTRAINT "Reevaluation_worker_only_while_running" CHECK ("workerId" IS NULL OR "status" = 'RUNNING');

-- A re-evaluation's changes are news about its run: announced on `run_events` as an update of the run
-- (with the run's own status, and the job's as `reevaluation`), so runUpdated subscribers see it queue,
-- progress and finish, and idle workers wake for a queued one. A heartbeat alone is not news (nor a
-- deletion: the run's own deletion is announced).
CREATE OR REPLACE FUNCTION run_events_notify_reevaluation() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'heartbeatAt') = (to_jsonb(OLD) - 'heartbeatAt') THEN
    RETURN NEW;
  END IF;
  PERFORM pg_notify('run_events', json_build_object(
    'type', 'run', 'kind', 'updated', 'runId', NEW."runId",
    'status', (SELECT r."status" FROM "Run" r WHERE r."id" = NEW."runId"), 'reevaluation', NEW."status",
    'at', floor(extract(epoch FROM clock_timestamp()) * 1000))::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Reevaluation_notify"
  AFTER INSERT OR UPDATE ON "Reevaluation"
  FOR EACH ROW EXECUTE FUNCTION run_events_notify_reevaluation();
