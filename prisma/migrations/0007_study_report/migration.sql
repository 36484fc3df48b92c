-- AlterTable
ALTER TABLE "RunGroup" ADD COLUMN     "dataset" TEXT,
ADD COLUMN     "overrides" JSONB;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "archivedAt" TIMESTAMPTZ(3),
ADD COLUMN     "configHash" TEXT,
ADD COLUMN     "presetChanges" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "presetExact" BOOLEAN;

-- AlterTable
ALTER TABLE "RobustnessPoint" DROP CONSTRAINT "RobustnessPoint_pkey",
ADD COLUMN     "clipped" BOOLEAN NOT NULL DEFAULT false,
ADD CONSTRAINT "RobustnessPoint_pkey" PRIMARY KEY ("runId", "clipped", "sigma");

-- CreateTable
CREATE TABLE "ReportPin" (
    "dataset" TEXT NOT NULL,
    "preset" TEXT NOT NULL,
    "runId" UUID NOT NULL,
    "pinnedById" TEXT,
    "pinnedByName" TEXT NOT NULL,
    "pinnedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReportPin_pkey" PRIMARY KEY ("dataset","preset")
);

-- CreateTable
CREATE TABLE "ModelFileDeletion" (
    "id" BIGSERIAL NOT NULL,
    "host" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelFileDeletion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportPin_runId_idx" ON "ReportPin"("runId");

-- CreateIndex
CREATE INDEX "ModelFileDeletion_host_idx" ON "ModelFileDeletion"("host");

-- CreateIndex
CREATE INDEX "Run_dataset_preset_status_idx" ON "Run"("dataset", "preset", "status");

-- AddForeignKey
ALTER TABLE "ReportPin" ADD CONSTRAINT "ReportPin_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportPin" ADD CONSTRAINT "ReportPin_pinnedById_fkey" FOREIGN KEY ("pinnedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written backfill. A group's dataset is its runs' (launchStudy put every run on one dataset).
-- Runs' configHash / presetExact / presetChanges need the trainer's config schema and presets, so the
-- server fills them in at startup for rows where configHash IS NULL (server/runs/configIdentity.ts).
UPDATE "RunGroup" g SET "dataset" = (SELECT r."dataset" FROM "Run" r WHERE r."groupId" = g."id" ORDER BY r."createdAt" LIMIT 1);
-- Earlier runs measured one robustness curve, the one their config asked for.
UPDATE "RobustnessPoint" p SET "clipped" = coalesce((r."config"->'robustness'->>'clip')::boolean, false) FROM "Run" r WHERE r."id" = p."runId";
