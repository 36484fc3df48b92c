/**
 * Which trainer workers exist, on any host: each worker keeps a row in "Worker" while it runs (its
 * heartbeat thread refreshes it), so the dashboard can say how many are training or waiting for work —
 * also those started with `npm run worker` elsewhere against the same database, which no server
 * supervises. The row also says whether the worker can save models; a launch is refused when no live
 * worker can. A worker that dies without removing its row stops refreshing it and drops out of the
 * count after the stale window (at once when its supervising server sees it exit).
 */
import { toSql, type Db } from '../runs/sql';

export interface WorkerIdentity {
  host: string;
  pid: number;
}

/** Registers the worker or refreshes it ($1 host, $2 pid, $3 models problem); the heartbeat thread sends it. */
export const ANNOUNCE_SQL = `INSERT INTO "Worker" ("host", "pid", "modelsProblem") VALUES ($1, $2, $3)
  ON CONFLICT ("host", "pid") DO UPDATE SET "heartbeatAt" = now(), "modelsProblem" = EXCLUDED."modelsProblem"`;

export async function announceWorker(db: Db, worker: WorkerIdentity, modelsProblem: string | null = null): Promise<void> {
  await toSql(db).query(ANNOUNCE_SQL, [worker.host, worker.pid, modelsProblem]);
}

export async function forgetWorker(db: Db, worker: WorkerIdentity): Promise<void> {
  await toSql(db).query('DELETE FROM "Worker" WHERE "host" = $1 AND "pid" = $2', [worker.host, worker.pid]);
}

export interface LiveWorkers {
  live: number;
  /** Live workers that cannot save models, with why. */
  unableToSaveModels: { host: string; pid: number; problem: string }[];
}

/** Workers whose heartbeat is younger than `staleSeconds`; rows older than a day are removed on the way. */
export async function liveWorkers(db: Db, staleSeconds: number): Promise<LiveWorkers> {
  const sql = toSql(db);
  await sql.query(`DELETE FROM "Worker" WHERE "heartbeatAt" < now() - interval '1 day'`);
  const { rows } = await sql.query<{ host: string; pid: number; modelsProblem: string | null }>(
    `SELECT "host", "pid", "modelsProblem" FROM "Worker" WHERE "heartbeatAt" >= now() - make_interval(secs => $1::int) ORDER BY "host", "pid"`,
    [staleSeconds],
  );
  return {
    live: rows.length,
    unableToSaveModels: rows.filter((r) => r.modelsProblem).map((r) => ({ host: r.host, pid: r.pid, problem: r.modelsProblem! })),
  };
}

export async function countLiveWorkers(db: Db, staleSeconds: number): Promise<number> {
  return (await liveWorkers(db, staleSeconds)).live;
}

/**
 * Why a new run could not finish, when the server can tell: there are live workers and none of them
 * can save models (a worker that cannot claims no runs, so the run would wait forever). Null when some
 * worker can, or none is running (one may join later).
 */
export async function whyNoWorkerCanSaveModels(db: Db, staleSeconds: number): Promise<string | null> {
  const { live, unableToSaveModels } = await liveWorkers(db, staleSeconds);
  if (live === 0 || unableToSaveModels.length < live) return null;
  const first = unableToSaveModels[0];
  return `no trainer worker can save models, so this run could never finish: ${first.problem} (worker ${first.host}, pid ${first.pid}${live > 1 ? `, and ${live - 1} more` : ''}). Fix MODELS_DIR and restart the workers, then launch again`;
}
