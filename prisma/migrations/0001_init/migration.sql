-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "RunGroup" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "preset" TEXT,
    "engine" TEXT NOT NULL,
    "backend" TEXT,
    "dataset" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "owner" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notes" TEXT,
    "groupId" UUID,
    "config" JSONB NOT NULL,
    "parameters" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "heartbeatAt" TIMESTAMPTZ(3),
    "error" TEXT,
    "codeVersion" TEXT,
    "workerHost" TEXT,
    "workerPid" INTEGER,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "progress" JSONB,
    "modelPath" TEXT,
    "bestEpoch" INTEGER,
    "stoppedEarly" BOOLEAN,
    "testAccuracy" DOUBLE PRECISION,
    "macroF1" DOUBLE PRECISION,
    "valAccuracy" DOUBLE PRECISION,
    "durationSeconds" DOUBLE PRECISION,
    "summary" JSONB,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Epoch" (
    "runId" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "lr" DOUBLE PRECISION NOT NULL,
    "trainLoss" DOUBLE PRECISION NOT NULL,
    "trainAccuracy" DOUBLE PRECISION NOT NULL,
    "valLoss" DOUBLE PRECISION NOT NULL,
    "valAccuracy" DOUBLE PRECISION NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,
    "samplesPerSecond" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Epoch_pkey" PRIMARY KEY ("runId","epoch")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "runId" UUID NOT NULL,
    "accuracy" DOUBLE PRECISION NOT NULL,
    "macroF1" DOUBLE PRECISION NOT NULL,
    "crossEntropy" DOUBLE PRECISION NOT NULL,
    "trainAccuracy" DOUBLE PRECISION,
    "trainLoss" DOUBLE PRECISION,
    "valAccuracy" DOUBLE PRECISION,
    "valLoss" DOUBLE PRECISION,
    "count" INTEGER NOT NULL,
    "perClass" JSONB NOT NULL,
    "confusion" JSONB NOT NULL,
    "classNames" TEXT[],

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("runId")
);

-- CreateTable
CREATE TABLE "RobustnessPoint" (
    "runId" UUID NOT NULL,
    "sigma" DOUBLE PRECISION NOT NULL,
    "accuracy" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RobustnessPoint_pkey" PRIMARY KEY ("runId","sigma")
);

-- CreateIndex
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_id_idx" ON "Run"("createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Run_preset_idx" ON "Run"("preset");

-- CreateIndex
CREATE INDEX "Run_owner_idx" ON "Run"("owner");

-- CreateIndex
CREATE INDEX "Run_groupId_idx" ON "Run"("groupId");

-- CreateIndex
CREATE INDEX "Run_tags_idx" ON "Run" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Run_testAccuracy_idx" ON "Run"("testAccuracy");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "RunGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Epoch" ADD CONSTRAINT "Epoch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RobustnessPoint" ADD CONSTRAINT "RobustnessPoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

