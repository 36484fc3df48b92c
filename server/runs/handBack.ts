/**
 * Start-up of the embedded default: every worker was a child of a previous server on this host. A run
 * such a worker still held (the server was stopped with Ctrl-C, which stops PostgreSQL before the
 * workers can hand their runs back, or the machine went down) is handed back (lifecycle.handBack): it
 * waits, RUNNING with its checkpoint, for the next worker, and the lost attempt does not count as failed.
 */
import { handBack } from './lifecycle';
import { toSql, type Db } from './sql';
import { isProcessAlive } from '../util/processAlive';

export async function handBackRunsOfDeadLocalWorkers(db: Db, host: string): Promise<string[]> {
  const { rows } = await toSql(db).query<{ workerId: string; workerPid: number }>(
    `SELECT DISTINCT "workerId"::text AS "workerId", "workerPid" FROM "Run" WHERE "status" = 'RUNNING' AND "workerId" IS NOT NULL AND "workerHost" = $1`,
    [host],
  );
  const ids: string[] = [];
  for (const r of rows) {
    if (isProcessAlive(r.workerPid)) continue;
    ids.push(...(await handBack(db, r.workerId, null, `its worker (pid ${r.workerPid}) stopped with the previous server`)));
  }
  return ids;
}
