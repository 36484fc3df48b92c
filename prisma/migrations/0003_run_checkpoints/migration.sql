-- CreateTable
CREATE TABLE "RunCheckpoint" (
    "runId" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunCheckpoint_pkey" PRIMARY KEY ("runId")
);

-- AddForeignKey
ALTER TABLE "RunCheckpoint" ADD CONSTRAINT "RunCheckpoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (prisma migrate diff does not model these):
-- Float data does not compress; store checkpoints out of line without trying (saves CPU on every epoch).
ALTER TABLE "RunCheckpoint" ALTER COLUMN "data" SET STORAGE EXTERNAL;

-- A checkpoint is only needed while its run is RUNNING. Whoever ends the run (its worker, the reaper,
-- cancelRun, psql), the checkpoint goes with it, so finished runs hold no megabytes of training state.
CREATE OR REPLACE FUNCTION run_checkpoint_discard() RETURNS trigger AS $$
BEGIN
  DELETE FROM "RunCheckpoint" WHERE "runId" = NEW."id";
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Run_discard_checkpoint"
  AFTER UPDATE OF "status" ON "Run"
  FOR EACH ROW WHEN (NEW."status" <> 'RUNNING')
  EXECUTE FUNCTION run_checkpoint_discard();
