/**
 * A deleted run's trained model goes with it. Workers save each model in a folder named after the run
 * (`<MODELS_DIR>/<runId>`, Run.modelPath) on their own host; checkpoints live in the database
 * (RunCheckpoint) and go with the row. The server removes a model folder itself when the worker that
 * saved it ran on the server's own host (the embedded default); for a worker elsewhere it records the
 * folder in ModelFileDeletion, and a worker on that host removes it the next time it is idle
 * (`sweepModelDeletions`, from the worker loop). Only a folder whose name is the run's id is ever
 * removed, and a worker removes only folders inside its own MODELS_DIR.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { toSql, type Db } from './sql';

export type ModelFilesOutcome = 'removed' | 'queued for its worker host' | 'none';

/** Removes (or has removed) the model folder of a run that was just deleted. */
export async function discardModelFiles(db: Db, run: { id: string; modelPath: string | null; workerHost: string | null }, host = os.hostname()): Promise<ModelFilesOutcome> {
  if (!run.modelPath) return 'none';
  if (path.basename(run.modelPath) !== run.id) {
    console.warn(`[runs] not removing model path ${run.modelPath} of run ${run.id}: its folder is not named after the run`);
    return 'none';
  }
  if (!run.workerHost || run.workerHost === host) {
    await fs.rm(run.modelPath, { recursive: true, force: true });
    return 'removed';
  }
  await toSql(db).query(`INSERT INTO "ModelFileDeletion" ("host", "path") VALUES ($1, $2)`, [run.workerHost, run.modelPath]);
  return 'queued for its worker host';
}

/**
 * A worker's share: removes the model folders of deleted runs recorded for this host, when they lie in
 * its models folder, and forgets the requests it has handled (folders elsewhere belong to another
 * worker on the host, with another MODELS_DIR, and stay queued for it).
 */
export async function sweepModelDeletions(db: Db, modelsDir: string, host = os.hostname()): Promise<number> {
  const sql = toSql(db);
  const { rows } = await sql.query<{ id: string; path: string }>(`SELECT "id"::text AS "id", "path" FROM "ModelFileDeletion" WHERE "host" = $1 ORDER BY "id" LIMIT 100`, [host]);
  const root = path.resolve(modelsDir);
  let removed = 0;
  for (const row of rows) {
    const target = path.resolve(row.path);
    if (path.dirname(target) !== root) continue;
    await fs.rm(target, { recursive: true, force: true });
    await sql.query(`DELETE FROM "ModelFileDeletion" WHERE "id" = $1::bigint`, [row.id]);
    removed += 1;
  }
  return removed;
}
