/**
 * The worker's heartbeat, on its own thread with its own database connection (server/worker/heartbeat.ts
 * starts it). Training steps run synchronously on the main thread, sometimes for longer than the stale
 * window; beating from here means a long step never looks like death, while a process that is stopped
 * (SIGSTOP), killed or cut off from the database stops beating and is reaped. Every `intervalMs` it
 * refreshes the worker's registry row (capabilities, thread share, models problem) and, while the worker holds a run, the run's heartbeat, and tells
 * the main thread whether the run is still its own and whether its cancel was asked for. The SQL text
 * comes from the main thread (server/runs/lifecycle.ts owns the ownership condition). Plain JavaScript so
 * it loads without a TypeScript loader (under tsx, vitest and plain node alike).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

const { url, intervalMs, host, pid, holderId, announceSql, heartbeatSql } = workerData;
/** @type {{ runId: string, generation: number } | null} */
let holding = null;
/** ANNOUNCE_SQL's parameters (registry.ts announceParams), from the main thread; null until it sends them. */
let announceParams = null;
/** @type {pg.Client | null} */
let client = null;
let busy = false;
let stopped = false;

async function connection() {
  if (client) return client;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(1000, intervalMs), query_timeout: Math.max(2000, intervalMs * 2), application_name: `heartbeat ${host}:${pid}` });
  c.on('error', () => {
    if (client === c) client = null;
  });
  await c.connect();
  client = c;
  return c;
}

async function beat() {
  if (busy || stopped) return;
  busy = true;
  const run = holding;
  try {
    const c = await connection();
    if (announceParams) await c.query(announceSql, announceParams);
    if (run) {
      const { rows } = await c.query(heartbeatSql, [run.runId, holderId]);
      parentPort.postMessage({ type: 'run', runId: run.runId, generation: run.generation, held: rows.length > 0, cancelRequested: rows[0]?.cancelRequested === true });
    }
    parentPort.postMessage({ type: 'database', ok: true });
  } catch (err) {
    const c = client;
    client = null;
    c?.end().catch(() => {});
    parentPort.postMessage({ type: 'database', ok: false, error: `${err?.code ? `${err.code}: ` : ''}${String(err?.message ?? err).split('\n')[0]}` });
  } finally {
    busy = false;
  }
}

const timer = setInterval(beat, intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'hold') {
    holding = { runId: message.runId, generation: message.generation };
    void beat();
  } else if (message.type === 'release') {
    holding = null;
  } else if (message.type === 'registration') {
    announceParams = message.params;
  } else if (message.type === 'stop') {
    stopped = true;
    clearInterval(timer);
    const c = client;
    client = null;
    Promise.resolve(c?.end()).catch(() => {}).finally(() => parentPort.close());
  }
});
void beat();
