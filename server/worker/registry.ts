/**
 * Which trainer workers exist, on any host, and what each can do: every worker keeps a row in "Worker"
 * while it runs (its heartbeat thread refreshes it), keyed by its holder token, with the backends it can
 * train on (best first, with the GPU's name for tfjs-node-gpu), its cores, memory and the compute
 * threads its runs get. The dashboard lists them (`system.workerList`), offers the backends some live
 * worker has (`system.backends`), says why a run waits (routing.ts), and counts workers per host for the
 * default thread share (threadBudget.ts) — also those started with `npm run worker` elsewhere against the
 * same database, which no server supervises. The row also says whether the worker can save models; a
 * launch is refused when no live worker can. A worker that dies without removing its row stops
 * refreshing it and drops out after the stale window (at once when its supervising server sees it exit).
 */
import type { BackendCapability, BackendName } from '../../trainer/engine/backend';
import { toSql, type Db } from '../runs/sql';

/** What a worker registers about itself. */
export interface WorkerRegistration {
  /** Its holder token (lifecycle.Holder.id). */
  id: string;
  host: string;
  pid: number;
  /** Best first, as probeCapabilities lists them. */
  backends: BackendCapability[];
  cores: number;
  memoryBytes: number;
  /** Threads a run whose config says 0 gets on this worker now. */
  threads: number;
  /** Why it cannot save models (it then takes no runs), or null. */
  modelsProblem: string | null;
}

/** Registers the worker or refreshes it (parameters: announceParams); the heartbeat thread sends it every beat. */
export const ANNOUNCE_SQL = `INSERT INTO "Worker" ("id", "host", "pid", "backends", "backendDetails", "cores", "memoryBytes", "threads", "modelsProblem")
  VALUES ($1::uuid, $2, $3, $4::text[], $5::jsonb, $6, $7, $8, $9)
  ON CONFLICT ("id") DO UPDATE SET "heartbeatAt" = now(), "backends" = EXCLUDED."backends", "backendDetails" = EXCLUDED."backendDetails",
    "cores" = EXCLUDED."cores", "memoryBytes" = EXCLUDED."memoryBytes", "threads" = EXCLUDED."threads", "modelsProblem" = EXCLUDED."modelsProblem"`;

/** ANNOUNCE_SQL's parameters (plain values: they are posted to the heartbeat thread). */
export function announceParams(w: WorkerRegistration): unknown[] {
  return [w.id, w.host, w.pid, w.backends.map((b) => b.backend), JSON.stringify(w.backends), w.cores, Math.round(w.memoryBytes), w.threads, w.modelsProblem];
}

export async function announceWorker(db: Db, worker: WorkerRegistration): Promise<void> {
  await toSql(db).query(ANNOUNCE_SQL, announceParams(worker));
}

/** Removes a worker's row by its holder token. */
export async function forgetWorker(db: Db, id: string): Promise<void> {
  await toSql(db).query('DELETE FROM "Worker" WHERE "id" = $1::uuid', [id]);
}

/** A live worker as the system view shows it. */
export interface LiveWorker {
  host: string;
  pid: number;
  backends: BackendCapability[];
  /** Null for rows registered without capabilities (added by hand, or an older worker). */
  cores: number | null;
  memoryBytes: number | null;
  threads: number | null;
  modelsProblem: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  /** The run it holds (RUNNING in its hands), if any. */
  runId: string | null;
}

/**
 * Workers whose heartbeat is younger than `staleSeconds`, by host and pid, with the run each holds;
 * rows older than a day are removed on the way.
 */
export async function listLiveWorkers(db: Db, staleSeconds: number): Promise<LiveWorker[]> {
  const sql = toSql(db);
  await sql.query(`DELETE FROM "Worker" WHERE "heartbeatAt" < now() - interval '1 day'`);
  const { rows } = await sql.query<Omit<LiveWorker, 'memoryBytes'> & { memoryBytes: string | null }>(
    `SELECT w."host", w."pid", w."backendDetails" AS "backends", w."cores", w."memoryBytes", w."threads", w."modelsProblem", w."startedAt", w."heartbeatAt",
       (SELECT r."id" FROM "Run" r WHERE r."workerId" = w."id" AND r."status" = 'RUNNING' LIMIT 1) AS "runId"
     FROM "Worker" w WHERE w."heartbeatAt" >= now() - make_interval(secs => $1::int) ORDER BY w."host", w."pid", w."startedAt"`,
    [staleSeconds],
  );
  // BIGINT arrives as a string; a host's memory fits a double exactly.
  return rows.map((r) => ({ ...r, backends: Array.isArray(r.backends) ? r.backends : [], memoryBytes: r.memoryBytes === null ? null : Number(r.memoryBytes) }));
}

/** Live workers that take runs (they can save models): what routing and `system.backends` go by. */
export function takingRuns(workers: readonly LiveWorker[]): LiveWorker[] {
  return workers.filter((w) => !w.modelsProblem);
}

const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** The backends some of `workers` offer, best first. */
export function backendUnion(workers: readonly LiveWorker[]): BackendName[] {
  const offered = new Set(workers.flatMap((w) => w.backends.map((b) => b.backend)));
  return BACKEND_ORDER.filter((b) => offered.has(b));
}

/** Live workers on `host` other than `exceptId` (threadBudget.ts counts its neighbours with it). */
export async function countLiveWorkersOnHost(db: Db, host: string, exceptId: string, staleSeconds: number): Promise<number> {
  const { rows } = await toSql(db).query<{ n: number }>(
    `SELECT count(*)::int AS "n" FROM "Worker" WHERE "host" = $1 AND "id" <> $2::uuid AND "heartbeatAt" >= now() - make_interval(secs => $3::int)`,
    [host, exceptId, staleSeconds],
  );
  return rows[0].n;
}

export interface LiveWorkers {
  live: number;
  /** Live workers that cannot save models, with why. */
  unableToSaveModels: { host: string; pid: number; problem: string }[];
}

/** How many workers are live, and which of them cannot save models (for /healthz and launches). */
export async function liveWorkers(db: Db, staleSeconds: number): Promise<LiveWorkers> {
  const rows = await listLiveWorkers(db, staleSeconds);
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
