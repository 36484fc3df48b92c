-- Issue 14: workers register what they can do (backends, cores, memory, threads) and are keyed by
-- their holder token; runs record the compute threads they trained with. Numbered 0009 (0007 and 0008
-- are other branches' migrations); made by `npm run db:diff`.

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "threads" INTEGER;

-- AlterTable
ALTER TABLE "Worker" DROP CONSTRAINT "Worker_pkey",
ADD COLUMN     "backendDetails" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "backends" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "cores" INTEGER,
ADD COLUMN     "id" UUID NOT NULL DEFAULT gen_random_uuid(),
ADD COLUMN     "memoryBytes" BIGINT,
ADD COLUMN     "threads" INTEGER,
ADD CONSTRAINT "Worker_pkey" PRIMARY KEY ("id");

-- CreateIndex
CREATE INDEX "Worker_host_idx" ON "Worker"("host");
