-- AlterTable
ALTER TABLE "RunGroup" ADD COLUMN     "protocol" TEXT NOT NULL DEFAULT 'PUBLISHED';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "presetVariant" TEXT;

-- Hand-written (issue 25): the presets M0–M1h now sum the batch loss, as the study ran them; their
-- batch-mean form is the variant "M1c · batch mean". Forget every preset run's identity so that the
-- server's start (backfillConfigIdentity) compares it again with the form its config follows: a
-- mean-loss M1c becomes "M1c · batch mean", exact, with its config untouched.
UPDATE "Run" SET "configHash" = NULL WHERE "preset" IS NOT NULL;

-- Studies launched before this queued the batch-mean presets, unless their overrides asked for the sum.
UPDATE "RunGroup" SET "protocol" = CASE WHEN "overrides"->>'lossReduction' = 'sum' THEN 'PUBLISHED' ELSE 'BATCH_MEAN' END;
