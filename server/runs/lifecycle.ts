/**
 * Every change of a run's state, as named transitions, in one place. Nothing else writes `Run.status`,
 * a run's holder, its epochs, checkpoint or results (the API only inserts QUEUED runs and edits names,
 * tags and notes). Each transition is ONE SQL statement whose WHERE clause is its guard, so the check
 * and the write cannot be separated by another writer; a refused transition changes nothing and says
 * so in its return value. A worker's writes carry its holder token (`Holder.id`, a fresh UUID per
 * worker process) and apply only while the run is RUNNING in that token's hands: the one ownership
 * condition, `HELD` below. Inserts guarded by it lock the run row (FOR SHARE), so a reaper's UPDATE
 * either happens before (and the insert is refused) or waits until the insert is committed.
 *
 * States (`status` + holder):
 *   QUEUED    launched, never started
 *   HELD      RUNNING, workerId = some worker's token
 *   WAITING   RUNNING, workerId NULL: its worker shut down or died; the next claim resumes it from its
 *             checkpoint (after its last finished epoch). Shown as "waiting for a worker".
 *   SUCCEEDED, FAILED, CANCELLED: final; nothing leaves them (only deleteRun removes the row).
 *
 * | transition            | from                     | to                                        | by            |
 * |-----------------------|--------------------------|-------------------------------------------|---------------|
 * | claim(w)              | WAITING, else QUEUED     | HELD(w), new attempt                      | worker        |
 * |                       | (not cancelRequested;    |                                           |               |
 * |                       | backend auto or one w    |                                           |               |
 * |                       | offers)                  |                                           |               |
 * | recordEpoch(w)        | HELD(w)                  | HELD(w) + Epoch row                       | worker        |
 * | storeCheckpoint(w)    | HELD(w)                  | HELD(w) + checkpoint                      | worker        |
 * | reportProgress(w)     | HELD(w)                  | HELD(w)                                   | worker        |
 * | restartFromScratch(w) | HELD(w)                  | HELD(w), epochs and checkpoint dropped    | worker        |
 * | storeResults(w)       | HELD(w)                  | HELD(w) + evaluation, robustness, summary | worker        |
 * | succeed(w)            | HELD(w) with results     | SUCCEEDED                                 | worker        |
 * | endCancelled(w)       | HELD(w), cancelRequested | CANCELLED                                 | worker        |
 * | fail(w, reason)       | HELD(w)                  | FAILED (deterministic: no retry)          | worker        |
 * | retry(w, reason)      | HELD(w)                  | WAITING, or FAILED on the last attempt    | worker        |
 * | reap(w | stale)       | HELD(w)                  | WAITING, or FAILED on the last attempt    | supervisor,   |
 * |                       |                          |                                           | any reaper    |
 * | handBack(w)           | HELD(w)                  | WAITING (CANCELLED if cancelRequested)    | worker, server|
 * | cancel                | QUEUED, WAITING          | CANCELLED                                 | API           |
 * |                       | HELD(w)                  | HELD(w), cancelRequested (worker stops)   |               |
 *
 * Re-evaluation of a SUCCEEDED run's saved model (the `Reevaluation` job: per-image test predictions for
 * runs evaluated before they were kept; the run itself stays SUCCEEDED, its metrics untouched):
 *
 * | transition                  | job from                   | job to                                | by         |
 * |-----------------------------|----------------------------|---------------------------------------|------------|
 * | requestReevaluation         | none, SUCCEEDED, FAILED    | QUEUED (run SUCCEEDED, model saved)   | API        |
 * | claimReevaluation(w)        | QUEUED (run SUCCEEDED)     | RUNNING(w)                            | worker     |
 * | reportReevaluationProgress  | RUNNING(w)                 | RUNNING(w)                            | worker     |
 * | storeReevaluation(w)        | RUNNING(w)                 | SUCCEEDED + the run's TestPredictions | worker     |
 * | failReevaluation(w, reason) | RUNNING(w)                 | FAILED                                | worker     |
 * | handBackReevaluation(w)     | RUNNING(w)                 | QUEUED (not counted as an attempt)    | worker     |
 * | reap(w | stale)             | RUNNING(w)                 | QUEUED, or FAILED after MAX_ATTEMPTS  | any reaper |
 *
 * Everything else is illegal and refused (test/server/lifecycle.test.ts walks every pair). retry and
 * reap, and handBack of a run whose cancel was asked for, may end the run (FAILED, CANCELLED).
 * A failed attempt counts against RUN_MAX_ATTEMPTS (3); a handed-back one (clean shutdown) does not.
 * Triggers beside these functions (prisma/migrations): 0002 announces every Run change and new Epoch
 * on `run_events` (heartbeat-only updates excepted); 0003 deletes a run's checkpoint when it leaves
 * RUNNING, i.e. when it ends (a WAITING run keeps it); 0006 allows a holder only on RUNNING runs and one
 * open attempt per run; 0008 announces a re-evaluation's changes as updates of its run and allows a
 * worker only on a RUNNING re-evaluation.
 */
import { encodeCheckpoint, type TrainingCheckpoint } from '../../trainer/train/checkpoint';
import type { DataSource } from '../../trainer/data/dataset';
import type { EpochMetrics, RunResult } from '../../trainer/result';
import { toSql, type Db } from './sql';

/** A worker process as the holder of runs: the token is what ownership is checked on. */
export interface Holder {
  id: string;
  host: string;
  pid: number;
}

/** How many failed attempts end a run FAILED (RUN_MAX_ATTEMPTS, default 3). */
export const MAX_ATTEMPTS = Math.max(1, Number(process.env.RUN_MAX_ATTEMPTS) || 3);

/** The progress phase a WAITING run shows until a worker takes it. */
export const WAITING_FOR_WORKER = 'waiting for a worker';

/** The ownership condition, over "Run" r; `$holder` is the parameter number of the holder token. */
const held = (holder: number) => `r."status" = 'RUNNING' AND r."workerId" = $${holder}::uuid`;

/** Progress of a WAITING run: the epochs its checkpoint holds. */
const WAITING_PROGRESS = `jsonb_build_object('phase', '${WAITING_FOR_WORKER}',
  'epoch', coalesce((SELECT c."epoch" FROM "RunCheckpoint" c WHERE c."runId" = r."id"), 0),
  'epochs', (r."config"->>'epochs')::int, 'batch', 0, 'batches', 0)`;

/**
 * The heartbeat the worker's heartbeat thread sends (server/worker/heartbeatThread.mjs gets the text;
 * $1 run id, $2 holder token). No row back means the run is no longer this worker's.
 */
export const HEARTBEAT_SQL = `UPDATE "Run" r SET "heartbeatAt" = now() WHERE r."id" = $1::uuid AND ${held(2)} RETURNING r."cancelRequested"`;

export interface ClaimedRun {
  id: string;
  name: string;
  preset: string | null;
  dataset: string;
  config: unknown;
  /** Finished epochs of its checkpoint (0: none, train from scratch). */
  resumeAfterEpoch: number;
  attempt: number;
}

/**
 * Takes a run no worker holds, atomically (FOR UPDATE SKIP LOCKED: two workers never take the same
 * one): a WAITING run first (it was started earlier and people are watching it), else the oldest QUEUED
 * one, among the runs whose config asks for `auto` or for one of the backends the worker `offers`
 * (server/worker/routing.ts: a `tensorflow` run waits for a worker with tensorflow; runs it cannot
 * take are skipped, not blocking the ones behind them). Opens its next attempt. Epochs after its
 * checkpoint (its last worker stopped between the epoch and the checkpoint write) and results
 * (evaluation, robustness, test predictions) of an attempt that died while saving are dropped: they
 * are produced again. A resumed run keeps its original start time.
 */
export async function claim(db: Db, holder: Holder, offers: readonly string[]): Promise<ClaimedRun | null> {
  const { rows } = await toSql(db).query<ClaimedRun>(
    `WITH pick AS (
       SELECT "id" FROM "Run"
       WHERE ("status" = 'QUEUED' OR ("status" = 'RUNNING' AND "workerId" IS NULL)) AND NOT "cancelRequested"
         AND (coalesce("config"->>'backend', 'auto') = 'auto' OR "config"->>'backend' = ANY($4::text[]))
       ORDER BY "status" = 'RUNNING' DESC, "createdAt", "id" FOR UPDATE SKIP LOCKED LIMIT 1
     ), resume AS (
       SELECT p."id", coalesce((SELECT c."epoch" FROM "RunCheckpoint" c WHERE c."runId" = p."id"), 0) AS "epoch" FROM pick p
     ), claimed AS (
       UPDATE "Run" r SET "status" = 'RUNNING', "startedAt" = coalesce(r."startedAt", now()), "heartbeatAt" = now(),
         "workerId" = $1::uuid, "workerHost" = $2, "workerPid" = $3, "error" = NULL, "warning" = NULL,
         "progress" = jsonb_build_object('phase', 'loading', 'epoch', k."epoch", 'epochs', (r."config"->>'epochs')::int, 'batch', 0, 'batches', 0)
       FROM resume k WHERE r."id" = k."id"
       RETURNING r."id", r."name", r."preset", r."dataset", r."config", k."epoch" AS "resumeAfterEpoch"
     ), attempt AS (
       INSERT INTO "RunAttempt" ("runId", "number", "workerId", "workerHost", "workerPid", "resumedAfterEpoch")
       SELECT c."id", coalesce((SELECT max(a."number") FROM "RunAttempt" a WHERE a."runId" = c."id"), 0) + 1, $1::uuid, $2, $3, c."resumeAfterEpoch"
       FROM claimed c
       RETURNING "number"
     ), later_epochs AS (
       DELETE FROM "Epoch" e USING claimed c WHERE e."runId" = c."id" AND e."epoch" > c."resumeAfterEpoch"
     ), old_evaluation AS (
       DELETE FROM "Evaluation" e USING claimed c WHERE e."runId" = c."id"
     ), old_robustness AS (
       DELETE FROM "RobustnessPoint" p USING claimed c WHERE p."runId" = c."id"
     ), old_predictions AS (
       DELETE FROM "TestPredictions" p USING claimed c WHERE p."runId" = c."id"
     )
     SELECT c.*, a."number" AS "attempt" FROM claimed c, attempt a`,
    [holder.id, holder.host, holder.pid, offers],
  );
  return rows[0] ?? null;
}

/**
 * Stores a finished epoch's metrics and, when given, its validation confusion matrix (one statement, so
 * the epoch's NOTIFY finds the matrix written). False when the run is not (or no longer) held by `holder`.
 */
export async function recordEpoch(db: Db, holder: Holder, runId: string, m: EpochMetrics, valConfusion: number[][] | null = null): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `WITH e AS (
       INSERT INTO "Epoch" ("runId", "epoch", "lr", "trainLoss", "trainAccuracy", "valLoss", "valAccuracy", "seconds", "samplesPerSecond")
       SELECT r."id", $3::int, $4::float8, $5::float8, $6::float8, $7::float8, $8::float8, $9::float8, $10::float8 FROM "Run" r WHERE r."id" = $1::uuid AND ${held(2)} FOR SHARE
       ON CONFLICT ("runId", "epoch") DO UPDATE SET "lr" = EXCLUDED."lr", "trainLoss" = EXCLUDED."trainLoss",
         "trainAccuracy" = EXCLUDED."trainAccuracy", "valLoss" = EXCLUDED."valLoss", "valAccuracy" = EXCLUDED."valAccuracy",
         "seconds" = EXCLUDED."seconds", "samplesPerSecond" = EXCLUDED."samplesPerSecond", "createdAt" = now()
       RETURNING "runId", "epoch"
     ), confusion AS (
       INSERT INTO "EpochConfusion" ("runId", "epoch", "classes", "counts")
       SELECT e."runId", e."epoch", $11::int, $12::int[] FROM e WHERE $12::int[] IS NOT NULL
       ON CONFLICT ("runId", "epoch") DO UPDATE SET "classes" = EXCLUDED."classes", "counts" = EXCLUDED."counts"
     )
     SELECT "epoch" FROM e`,
    [runId, holder.id, m.epoch, m.lr, m.trainLoss, m.trainAccuracy, m.valLoss, m.valAccuracy, m.seconds, m.samplesPerSecond, valConfusion?.length ?? 0, valConfusion ? valConfusion.flat() : null],
  );
  return rows.length > 0;
}

/**
 * Stores (overwrites) the run's checkpoint. Returns its size in bytes, or null when the run is not
 * held by `holder`: a run that was cancelled, reaped or deleted meanwhile gets no checkpoint back.
 */
export async function storeCheckpoint(db: Db, holder: Holder, runId: string, checkpoint: TrainingCheckpoint): Promise<number | null> {
  const data = encodeCheckpoint(checkpoint);
  const { rows } = await toSql(db).query(
    `INSERT INTO "RunCheckpoint" ("runId", "epoch", "data", "updatedAt")
     SELECT r."id", $3::int, $4::bytea, now() FROM "Run" r WHERE r."id" = $1::uuid AND ${held(2)} FOR SHARE
     ON CONFLICT ("runId") DO UPDATE SET "epoch" = EXCLUDED."epoch", "data" = EXCLUDED."data", "updatedAt" = EXCLUDED."updatedAt"
     RETURNING "epoch"`,
    [runId, holder.id, checkpoint.history.length, data],
  );
  return rows.length ? data.length : null;
}

/** Live progress inside an epoch. False when the run is no longer held by `holder`. */
export async function reportProgress(db: Db, holder: Holder, runId: string, progress: Record<string, unknown>): Promise<boolean> {
  const { rows } = await toSql(db).query(`UPDATE "Run" r SET "progress" = $3::jsonb WHERE r."id" = $1::uuid AND ${held(2)} RETURNING r."id"`, [runId, holder.id, JSON.stringify(progress)]);
  return rows.length > 0;
}

/** The checkpoint cannot be used (unreadable, other data): the run trains again from epoch 1. */
export async function restartFromScratch(db: Db, holder: Holder, runId: string): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `WITH r AS (SELECT r."id" FROM "Run" r WHERE r."id" = $1::uuid AND ${held(2)} FOR UPDATE),
       epochs AS (DELETE FROM "Epoch" e USING r WHERE e."runId" = r."id"),
       ckpt AS (DELETE FROM "RunCheckpoint" c USING r WHERE c."runId" = r."id"),
       attempt AS (UPDATE "RunAttempt" a SET "resumedAfterEpoch" = 0 FROM r WHERE a."runId" = r."id" AND a."endedAt" IS NULL)
     SELECT "id" FROM r`,
    [runId, holder.id],
  );
  return rows.length > 0;
}

/** The result columns a finished or cancelled run gets (for lists and sorting). */
function summaryValues(result: RunResult) {
  return [
    result.backend,
    result.codeVersion,
    result.parameters,
    result.history.length ? result.bestEpoch : null,
    result.stoppedEarly,
    result.timings.totalSeconds,
    result.validation?.accuracy ?? result.history.at(-1)?.valAccuracy ?? null,
    JSON.stringify({ dataset: result.dataset, timings: result.timings, compute: result.compute }),
  ];
}
/** SET list for summaryValues() at parameters $from … $from+7. */
const summarySet = (from: number) =>
  `"backend" = $${from}, "codeVersion" = $${from + 1}, "parameters" = $${from + 2}, "bestEpoch" = $${from + 3}, "stoppedEarly" = $${from + 4},
   "durationSeconds" = $${from + 5}, "valAccuracy" = $${from + 6}, "summary" = $${from + 7}::jsonb`;
/** The compute threads the run trained with (absent in results from before the trainer recorded them). */
const threadsUsed = (result: RunResult) => result.threads ?? null;

/** Per-image test predictions as stored: encodeTestPredictions() bytes and the pooled files they index. */
export interface StoredPredictions {
  data: Uint8Array;
  count: number;
  classes: number;
  sources: DataSource[];
}

/**
 * Stores a finished run's evaluation, robustness curves, summary and (when given) per-image test
 * predictions while it is still RUNNING (phase "saving"): they are safe before the model is written, so
 * a failing save cannot lose them. False when the run is not held by `holder`. `succeed` then ends it.
 */
export async function storeResults(db: Db, holder: Holder, runId: string, result: RunResult, predictions: StoredPredictions | null = null): Promise<boolean> {
  const test = result.test;
  if (!test) throw new Error('storeResults: the result has no test evaluation (a cancelled run ends with endCancelled)');
  // The config's curve and, when measured, the one under the other clipping.
  const { robustness } = result;
  const curves = [robustness, ...(robustness.other ? [robustness.other] : [])].flatMap((c) => c.points.map((p) => ({ ...p, clipped: c.clip })));
  const { rows } = await toSql(db).query(
    `WITH r AS (
       UPDATE "Run" r SET ${summarySet(3)}, "testAccuracy" = $11, "macroF1" = $12, "threads" = $25::int,
         "progress" = jsonb_build_object('phase', 'saving', 'epoch', $21::int, 'epochs', (r."config"->>'epochs')::int, 'batch', 0, 'batches', 0)
       WHERE r."id" = $1::uuid AND ${held(2)} RETURNING r."id"
     ), evaluation AS (
       INSERT INTO "Evaluation" ("runId", "accuracy", "macroF1", "crossEntropy", "trainAccuracy", "trainLoss", "valAccuracy", "valLoss", "count", "perClass", "confusion", "classNames")
       SELECT r."id", $11::float8, $12::float8, $13::float8, $14::float8, $15::float8, $16::float8, $17::float8, $18::int, $19::jsonb, $20::jsonb, $22::text[] FROM r
       ON CONFLICT ("runId") DO UPDATE SET "accuracy" = EXCLUDED."accuracy", "macroF1" = EXCLUDED."macroF1", "crossEntropy" = EXCLUDED."crossEntropy",
         "trainAccuracy" = EXCLUDED."trainAccuracy", "trainLoss" = EXCLUDED."trainLoss", "valAccuracy" = EXCLUDED."valAccuracy", "valLoss" = EXCLUDED."valLoss",
         "count" = EXCLUDED."count", "perClass" = EXCLUDED."perClass", "confusion" = EXCLUDED."confusion", "classNames" = EXCLUDED."classNames"
     ), robustness AS (
       INSERT INTO "RobustnessPoint" ("runId", "clipped", "sigma", "accuracy")
       SELECT r."id", p."clipped", p."sigma", p."accuracy" FROM r, unnest($26::boolean[], $23::float8[], $24::float8[]) AS p("clipped", "sigma", "accuracy")
       ON CONFLICT ("runId", "clipped", "sigma") DO UPDATE SET "accuracy" = EXCLUDED."accuracy"
     ), predictions AS (
       INSERT INTO "TestPredictions" ("runId", "count", "classes", "sources", "data", "origin")
       SELECT r."id", $27::int, $28::int, $29::jsonb, $30::bytea, 'training' FROM r WHERE $30::bytea IS NOT NULL
       ON CONFLICT ("runId") DO UPDATE SET "count" = EXCLUDED."count", "classes" = EXCLUDED."classes", "sources" = EXCLUDED."sources",
         "data" = EXCLUDED."data", "origin" = EXCLUDED."origin", "confusionDelta" = 0, "createdAt" = now()
     )
     SELECT "id" FROM r`,
    [
      runId,
      holder.id,
      ...summaryValues(result),
      test.accuracy,
      test.macroF1,
      test.crossEntropy,
      result.train?.accuracy ?? null,
      result.train?.crossEntropy ?? null,
      result.validation?.accuracy ?? null,
      result.validation?.crossEntropy ?? null,
      test.count,
      JSON.stringify(test.perClass),
      JSON.stringify(test.confusion),
      result.history.length,
      result.dataset.classNames,
      curves.map((p) => p.sigma),
      curves.map((p) => p.accuracy),
      threadsUsed(result),
      curves.map((p) => p.clipped),
      predictions?.count ?? 0,
      predictions?.classes ?? 0,
      JSON.stringify(predictions?.sources ?? []),
      predictions ? Buffer.from(predictions.data.buffer, predictions.data.byteOffset, predictions.data.byteLength) : null,
    ],
  );
  return rows.length > 0;
}

/** Ends the run's open attempt; `$outcome`/`$reason` parameters, over the CTE `r` of ended runs. */
const endAttempt = (outcome: string, reason: string) =>
  `UPDATE "RunAttempt" a SET "endedAt" = now(), "outcome" = ${outcome}, "reason" = ${reason} FROM r WHERE a."runId" = r."id" AND a."endedAt" IS NULL`;

/**
 * SUCCEEDED, once its results are stored (storeResults). `modelPath` where the model was saved, or a
 * `warning` saying why it was not (the run keeps its results either way).
 */
export async function succeed(db: Db, holder: Holder, runId: string, outcome: { modelPath: string | null; warning?: string | null }): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `WITH r AS (
       UPDATE "Run" r SET "status" = 'SUCCEEDED', "finishedAt" = now(), "progress" = NULL, "workerId" = NULL, "modelPath" = $3, "warning" = $4
       WHERE r."id" = $1::uuid AND ${held(2)} AND EXISTS (SELECT 1 FROM "Evaluation" e WHERE e."runId" = r."id")
       RETURNING r."id"
     ), attempt AS (${endAttempt(`'succeeded'`, '$4')})
     SELECT "id" FROM r`,
    [runId, holder.id, outcome.modelPath, outcome.warning ?? null],
  );
  return rows.length > 0;
}

/** The worker stopped a run whose cancel was asked for: CANCELLED, keeping its epochs and summary. */
export async function endCancelled(db: Db, holder: Holder, runId: string, result: RunResult): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `WITH r AS (
       UPDATE "Run" r SET "status" = 'CANCELLED', "finishedAt" = now(), "progress" = NULL, "workerId" = NULL, ${summarySet(3)}, "threads" = $11::int
       WHERE r."id" = $1::uuid AND ${held(2)} AND r."cancelRequested"
       RETURNING r."id"
     ), attempt AS (${endAttempt(`'cancelled'`, 'NULL')})
     SELECT "id" FROM r`,
    [runId, holder.id, ...summaryValues(result), threadsUsed(result)],
  );
  return rows.length > 0;
}

/** FAILED at once with `reason`, no retry: the failure is deterministic (bad config or data, diverged loss). */
export async function fail(db: Db, holder: Holder, runId: string, reason: string): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `WITH r AS (
       UPDATE "Run" r SET "status" = 'FAILED', "finishedAt" = now(), "progress" = NULL, "workerId" = NULL, "error" = $3
       WHERE r."id" = $1::uuid AND ${held(2)}
       RETURNING r."id"
     ), attempt AS (${endAttempt(`'failed'`, '$3')})
     SELECT "id" FROM r`,
    [runId, holder.id, reason],
  );
  return rows.length > 0;
}

export interface Ended {
  id: string;
  /** RUNNING: back in the queue (WAITING); FAILED: it was the last attempt; CANCELLED: cancel was asked for. */
  status: 'RUNNING' | 'FAILED' | 'CANCELLED';
}

/**
 * Ends the current attempt of the HELD runs `where` selects (over "Run" r, parameters from $3) as
 * failed with `reason` (an SQL text expression over r): back to WAITING with their checkpoint, or
 * FAILED when that was attempt number MAX_ATTEMPTS to fail, listing every failed attempt's reason.
 */
async function failAttempt(db: Db, where: string, reason: string, params: unknown[], maxAttempts: number): Promise<Ended[]> {
  const { rows } = await toSql(db).query<Ended>(
    `WITH target AS (
       SELECT r."id", r."workerHost", r."workerPid", r."cancelRequested", ${reason} AS "reason"
       FROM "Run" r WHERE r."status" = 'RUNNING' AND r."workerId" IS NOT NULL AND (${where}) FOR UPDATE
     ), past AS (
       SELECT t."id", count(a."number") FILTER (WHERE a."outcome" = 'failed') + 1 AS "failures",
         string_agg(format('attempt %s (%s pid %s): %s', a."number", a."workerHost", a."workerPid", a."reason"), '; ' ORDER BY a."number")
           FILTER (WHERE a."outcome" = 'failed') AS "earlier",
         max(a."number") FILTER (WHERE a."endedAt" IS NULL) AS "current"
       FROM target t LEFT JOIN "RunAttempt" a ON a."runId" = t."id" GROUP BY t."id"
     ), attempt AS (
       UPDATE "RunAttempt" a SET "endedAt" = now(), "outcome" = 'failed', "reason" = t."reason"
       FROM target t WHERE a."runId" = t."id" AND a."endedAt" IS NULL
     )
     UPDATE "Run" r SET
       "status" = (CASE WHEN t."cancelRequested" THEN 'CANCELLED' WHEN p."failures" >= $1 THEN 'FAILED' ELSE 'RUNNING' END)::"RunStatus",
       "finishedAt" = CASE WHEN t."cancelRequested" OR p."failures" >= $1 THEN now() END,
       "workerId" = NULL, "heartbeatAt" = NULL,
       "workerHost" = CASE WHEN t."cancelRequested" OR p."failures" >= $1 THEN r."workerHost" END,
       "workerPid" = CASE WHEN t."cancelRequested" OR p."failures" >= $1 THEN r."workerPid" END,
       "progress" = CASE WHEN t."cancelRequested" OR p."failures" >= $1 THEN NULL ELSE ${WAITING_PROGRESS} END,
       "error" = CASE WHEN p."failures" >= $1 AND NOT t."cancelRequested" THEN format(
         'Failed %s times, no attempts left (RUN_MAX_ATTEMPTS=%s): %s. The %s epoch(s) it finished are kept.',
         p."failures", $1::int,
         concat_ws('; ', p."earlier", format('attempt %s (%s pid %s): %s', coalesce(p."current"::text, '?'), t."workerHost", t."workerPid", t."reason")),
         (SELECT count(*) FROM "Epoch" e WHERE e."runId" = r."id")) END
     FROM target t JOIN past p ON p."id" = t."id"
     WHERE r."id" = t."id"
     RETURNING r."id", r."status"`,
    [maxAttempts, ...params],
  );
  return rows;
}

/**
 * The holder hit a failure that another attempt may not (lost its GPU, ran out of memory, a bug that
 * depends on the host): this attempt fails, and the run goes back to the queue with its checkpoint,
 * or ends FAILED when it was the last attempt.
 */
export async function retry(db: Db, holder: Holder, runId: string, reason: string, maxAttempts = MAX_ATTEMPTS): Promise<Ended | null> {
  const [ended] = await failAttempt(db, `r."id" = $2::uuid AND r."workerId" = $3::uuid`, '$4::text', [runId, holder.id, reason], maxAttempts);
  return ended ?? null;
}

export type ReapTarget =
  /** The holder is known dead (its supervisor saw the process exit): `how` it died. */
  | { holder: string; how: string }
  /** Every holder silent for longer than this (no heartbeat). */
  | { staleSeconds: number };

/**
 * Runs whose worker died or went silent: their attempt failed; they go back to the queue with their
 * checkpoint (the next worker resumes after the last finished epoch), or end FAILED on the last attempt.
 * Staleness counts from the later of the last heartbeat and the database's own start, so a database
 * restart (during which nobody could beat) never makes every running run look dead. The same target's
 * re-evaluation jobs go back to the queue (reapReevaluations).
 */
export async function reap(db: Db, target: ReapTarget, maxAttempts = MAX_ATTEMPTS): Promise<Ended[]> {
  await reapReevaluations(db, target, maxAttempts);
  if ('holder' in target) {
    return failAttempt(db, `r."workerId" = $2::uuid`, `format('worker %s (pid %s) died: %s', r."workerHost", r."workerPid", $3::text)`, [target.holder, target.how], maxAttempts);
  }
  return failAttempt(
    db,
    `greatest(r."heartbeatAt", pg_postmaster_start_time()) < now() - make_interval(secs => $2::int)`,
    `format('worker %s (pid %s) stopped responding: no heartbeat since %s, more than %s s (it died, was stopped, or lost the database)',
       r."workerHost", r."workerPid", to_char(r."heartbeatAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), $2::int)`,
    [target.staleSeconds],
    maxAttempts,
  );
}

/**
 * The holder gives its run back unfinished and unfailed (it is shutting down): WAITING with its epochs
 * and checkpoint, not counted as a failed attempt. A run whose cancel was asked for meanwhile ends
 * CANCELLED instead, since no worker would pick it up to notice.
 */
export async function handBack(db: Db, holder: string, runId: string | null, reason: string): Promise<string[]> {
  const { rows } = await toSql(db).query<{ id: string }>(
    `WITH r AS (
       UPDATE "Run" r SET
         "status" = (CASE WHEN r."cancelRequested" THEN 'CANCELLED' ELSE 'RUNNING' END)::"RunStatus",
         "finishedAt" = CASE WHEN r."cancelRequested" THEN now() END,
         "workerId" = NULL, "workerHost" = NULL, "workerPid" = NULL, "heartbeatAt" = NULL,
         "progress" = CASE WHEN r."cancelRequested" THEN NULL ELSE ${WAITING_PROGRESS} END
       WHERE ($1::uuid IS NULL OR r."id" = $1::uuid) AND ${held(2)}
       RETURNING r."id"
     ), attempt AS (${endAttempt(`'handed back'`, '$3')})
     SELECT "id" FROM r`,
    [runId, holder, reason],
  );
  return rows.map((r) => r.id);
}

export type CancelOutcome = 'cancelled' | 'requested' | { finished: string } | 'not found';

/**
 * The API's cancel. QUEUED and WAITING runs end CANCELLED at once (nobody else would notice); a HELD
 * run gets cancelRequested, and its worker stops after the current batch and calls endCancelled.
 */
export async function cancel(db: Db, runId: string): Promise<CancelOutcome> {
  const sql = toSql(db);
  const { rows } = await sql.query<{ status: string }>(
    `UPDATE "Run" r SET "cancelRequested" = true,
       "status" = (CASE WHEN r."workerId" IS NULL THEN 'CANCELLED' ELSE r."status"::text END)::"RunStatus",
       "finishedAt" = CASE WHEN r."workerId" IS NULL THEN now() END,
       "progress" = CASE WHEN r."workerId" IS NULL THEN NULL ELSE r."progress" END
     WHERE r."id" = $1::uuid AND r."status" IN ('QUEUED', 'RUNNING')
     RETURNING r."status"::text AS "status"`,
    [runId],
  );
  if (rows.length) return rows[0].status === 'CANCELLED' ? 'cancelled' : 'requested';
  const found = await sql.query<{ status: string }>(`SELECT "status"::text AS "status" FROM "Run" WHERE "id" = $1::uuid`, [runId]);
  return found.rows.length ? { finished: found.rows[0].status } : 'not found';
}

/** Deletes a run that is not RUNNING (its epochs, results and attempts go with it). False otherwise. */
export async function remove(db: Db, runId: string): Promise<boolean> {
  const { rows } = await toSql(db).query(`DELETE FROM "Run" WHERE "id" = $1::uuid AND "status" <> 'RUNNING' RETURNING "id"`, [runId]);
  return rows.length > 0;
}

/** Whether `holder` still holds the run, and whether its cancel was asked for (a read). */
export async function holdState(db: Db, holder: Holder, runId: string): Promise<{ held: boolean; cancelRequested: boolean }> {
  const { rows } = await toSql(db).query<{ held: boolean; cancelRequested: boolean }>(
    `SELECT (${held(2)}) AS "held", r."cancelRequested" FROM "Run" r WHERE r."id" = $1::uuid`,
    [runId, holder.id],
  );
  return rows[0] ?? { held: false, cancelRequested: false };
}

export interface AttemptRow {
  runId: string;
  number: number;
  workerHost: string;
  workerPid: number;
  resumedAfterEpoch: number;
  startedAt: Date;
  endedAt: Date | null;
  outcome: string | null;
  reason: string | null;
}

/** Every attempt of the given runs, in order (a read; for the API). */
export async function listAttempts(db: Db, runIds: readonly string[]): Promise<AttemptRow[]> {
  const { rows } = await toSql(db).query<AttemptRow>(
    `SELECT "runId", "number", "workerHost", "workerPid", "resumedAfterEpoch", "startedAt", "endedAt", "outcome", "reason"
     FROM "RunAttempt" WHERE "runId" = ANY($1::uuid[]) ORDER BY "runId", "number"`,
    [runIds],
  );
  return rows;
}

// ---- Re-evaluation jobs (the second table in this file's header) --------------------------------------

/** The ownership condition of a re-evaluation job, over "Reevaluation" j; `$holder` is the holder token's parameter. */
const jobHeld = (holder: number) => `j."status" = 'RUNNING' AND j."workerId" = $${holder}::uuid`;

/**
 * The re-evaluation heartbeat the heartbeat thread sends while a worker holds a job ($1 run id, $2
 * holder token); no row back means the job is no longer this worker's.
 */
export const REEVALUATION_HEARTBEAT_SQL = `UPDATE "Reevaluation" j SET "heartbeatAt" = now() WHERE j."runId" = $1::uuid AND ${jobHeld(2)} RETURNING false AS "cancelRequested"`;

export type ReevaluationRequest = 'queued' | 'already queued' | { refused: string };

/**
 * Asks for a re-evaluation of a finished run's saved model (API). Refused, saying why, unless the run
 * SUCCEEDED with an evaluation and a saved model; a job already queued or running is left as it is.
 */
export async function requestReevaluation(db: Db, runId: string, requestedById: string | null): Promise<ReevaluationRequest> {
  const sql = toSql(db);
  const { rows } = await sql.query(
    `INSERT INTO "Reevaluation" ("runId", "status", "requestedById", "requestedAt", "attempts")
     SELECT r."id", 'QUEUED', $2, now(), 0 FROM "Run" r
     WHERE r."id" = $1::uuid AND r."status" = 'SUCCEEDED' AND r."modelPath" IS NOT NULL AND EXISTS (SELECT 1 FROM "Evaluation" e WHERE e."runId" = r."id")
     ON CONFLICT ("runId") DO UPDATE SET "status" = 'QUEUED', "requestedById" = EXCLUDED."requestedById", "requestedAt" = now(), "attempts" = 0,
       "startedAt" = NULL, "finishedAt" = NULL, "heartbeatAt" = NULL, "progress" = NULL, "error" = NULL, "workerHost" = NULL, "workerPid" = NULL
       WHERE "Reevaluation"."status" IN ('SUCCEEDED', 'FAILED')
     RETURNING "runId"`,
    [runId, requestedById],
  );
  if (rows.length) return 'queued';
  const { rows: why } = await sql.query<{ status: string; modelPath: string | null; evaluated: boolean; job: string | null }>(
    `SELECT r."status"::text AS "status", r."modelPath", EXISTS (SELECT 1 FROM "Evaluation" e WHERE e."runId" = r."id") AS "evaluated",
       (SELECT j."status"::text FROM "Reevaluation" j WHERE j."runId" = r."id") AS "job"
     FROM "Run" r WHERE r."id" = $1::uuid`,
    [runId],
  );
  const r = why[0];
  if (!r) return { refused: `no run with id ${runId}` };
  if (r.job === 'QUEUED' || r.job === 'RUNNING') return 'already queued';
  if (r.status !== 'SUCCEEDED') return { refused: `run ${runId} is ${r.status}; only a finished (SUCCEEDED) run has a model to re-evaluate` };
  if (!r.evaluated) return { refused: `run ${runId} has no evaluation to re-evaluate` };
  return { refused: `run ${runId} has no saved model (its model could not be saved when it finished); re-evaluation needs one. Clone the run to train it again` };
}

export interface ClaimedReevaluation {
  runId: string;
  name: string;
  dataset: string;
  config: unknown;
  modelPath: string;
  attempt: number;
  /** The run's stored test confusion matrix and its count, which the re-evaluation should reproduce. */
  confusion: number[][];
  count: number;
}

/**
 * Takes the oldest queued re-evaluation of a still-SUCCEEDED run whose backend the worker `offers` (or
 * `auto`), as claim routes runs (SKIP LOCKED: one worker per job).
 */
export async function claimReevaluation(db: Db, holder: Holder, offers: readonly string[]): Promise<ClaimedReevaluation | null> {
  const { rows } = await toSql(db).query<ClaimedReevaluation>(
    `WITH pick AS (
       SELECT j."runId" FROM "Reevaluation" j JOIN "Run" r ON r."id" = j."runId"
       WHERE j."status" = 'QUEUED' AND r."status" = 'SUCCEEDED' AND r."modelPath" IS NOT NULL
         AND (coalesce(r."config"->>'backend', 'auto') = 'auto' OR r."config"->>'backend' = ANY($4::text[]))
       ORDER BY j."requestedAt", j."runId" FOR UPDATE OF j SKIP LOCKED LIMIT 1
     ), claimed AS (
       UPDATE "Reevaluation" j SET "status" = 'RUNNING', "workerId" = $1::uuid, "workerHost" = $2, "workerPid" = $3, "startedAt" = now(),
         "heartbeatAt" = now(), "attempts" = j."attempts" + 1, "error" = NULL,
         "progress" = jsonb_build_object('phase', 'loading', 'label', 'loading the dataset and the model')
       FROM pick p WHERE j."runId" = p."runId"
       RETURNING j."runId", j."attempts"
     )
     SELECT c."runId", r."name", r."dataset", r."config", r."modelPath", c."attempts" AS "attempt", e."confusion", e."count"
     FROM claimed c JOIN "Run" r ON r."id" = c."runId" JOIN "Evaluation" e ON e."runId" = c."runId"`,
    [holder.id, holder.host, holder.pid, offers],
  );
  return rows[0] ?? null;
}

/** Live progress of a held re-evaluation (doubles as its heartbeat). False when it is no longer the holder's. */
export async function reportReevaluationProgress(db: Db, holder: Holder, runId: string, progress: Record<string, unknown>): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `UPDATE "Reevaluation" j SET "progress" = $3::jsonb, "heartbeatAt" = now() WHERE j."runId" = $1::uuid AND ${jobHeld(2)} RETURNING j."runId"`,
    [runId, holder.id, JSON.stringify(progress)],
  );
  return rows.length > 0;
}

/**
 * The held re-evaluation's result: the run's per-image test predictions (replacing any), and the job
 * SUCCEEDED, in one statement. `confusionDelta` says how far their confusion matrix is from the stored
 * evaluation's (0: it reproduces it exactly). False when the job is no longer the holder's.
 */
export async function storeReevaluation(db: Db, holder: Holder, runId: string, predictions: StoredPredictions, confusionDelta: number): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `WITH j AS (
       UPDATE "Reevaluation" j SET "status" = 'SUCCEEDED', "finishedAt" = now(), "workerId" = NULL, "progress" = NULL, "error" = NULL
       WHERE j."runId" = $1::uuid AND ${jobHeld(2)} RETURNING j."runId"
     ), p AS (
       INSERT INTO "TestPredictions" ("runId", "count", "classes", "sources", "data", "origin", "confusionDelta")
       SELECT j."runId", $3::int, $4::int, $5::jsonb, $6::bytea, 're-evaluation', $7::int FROM j
       ON CONFLICT ("runId") DO UPDATE SET "count" = EXCLUDED."count", "classes" = EXCLUDED."classes", "sources" = EXCLUDED."sources",
         "data" = EXCLUDED."data", "origin" = EXCLUDED."origin", "confusionDelta" = EXCLUDED."confusionDelta", "createdAt" = now()
     )
     SELECT "runId" FROM j`,
    [runId, holder.id, predictions.count, predictions.classes, JSON.stringify(predictions.sources), Buffer.from(predictions.data.buffer, predictions.data.byteOffset, predictions.data.byteLength), confusionDelta],
  );
  return rows.length > 0;
}

/** The held re-evaluation failed (no model file, dataset gone, …): FAILED with `reason`. */
export async function failReevaluation(db: Db, holder: Holder, runId: string, reason: string): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `UPDATE "Reevaluation" j SET "status" = 'FAILED', "finishedAt" = now(), "workerId" = NULL, "progress" = NULL, "error" = $3
     WHERE j."runId" = $1::uuid AND ${jobHeld(2)} RETURNING j."runId"`,
    [runId, holder.id, reason],
  );
  return rows.length > 0;
}

/** The holder shuts down: its re-evaluation goes back to the queue, not counted as an attempt. */
export async function handBackReevaluation(db: Db, holder: Holder, runId: string): Promise<boolean> {
  const { rows } = await toSql(db).query(
    `UPDATE "Reevaluation" j SET "status" = 'QUEUED', "workerId" = NULL, "workerHost" = NULL, "workerPid" = NULL, "heartbeatAt" = NULL,
       "progress" = NULL, "attempts" = greatest(0, j."attempts" - 1)
     WHERE j."runId" = $1::uuid AND ${jobHeld(2)} RETURNING j."runId"`,
    [runId, holder.id],
  );
  return rows.length > 0;
}

/** Re-evaluations whose worker died or went silent: back to the queue, or FAILED after `maxAttempts`. */
export async function reapReevaluations(db: Db, target: ReapTarget, maxAttempts = MAX_ATTEMPTS): Promise<string[]> {
  const [where, why, params]: [string, string, unknown[]] = 'holder' in target
    ? [`j."workerId" = $2::uuid`, `format('its worker %s (pid %s) died: %s', j."workerHost", j."workerPid", $3::text)`, [target.holder, target.how]]
    : [`greatest(j."heartbeatAt", pg_postmaster_start_time()) < now() - make_interval(secs => $2::int)`, `format('its worker %s (pid %s) stopped responding', j."workerHost", j."workerPid")`, [target.staleSeconds]];
  const { rows } = await toSql(db).query<{ runId: string }>(
    `UPDATE "Reevaluation" j SET
       "status" = (CASE WHEN j."attempts" >= $1 THEN 'FAILED' ELSE 'QUEUED' END)::"ReevaluationStatus",
       "finishedAt" = CASE WHEN j."attempts" >= $1 THEN now() END,
       "error" = CASE WHEN j."attempts" >= $1 THEN format('Failed %s times (RUN_MAX_ATTEMPTS=%s); the last time %s', j."attempts", $1::int, ${why}) END,
       "workerId" = NULL, "heartbeatAt" = NULL, "progress" = NULL
     WHERE j."status" = 'RUNNING' AND (${where})
     RETURNING j."runId"`,
    [maxAttempts, ...params],
  );
  return rows.map((r) => r.runId);
}
