/**
 * /healthz's verdict on the database, without a database: a probe that answers is reused for a
 * second, but never across a restart of the embedded database (a restart can finish within that
 * second, and the outage must still show).
 */
import { describe, expect, it } from 'vitest';
import type { DatabaseHealth } from '../../server/db/healing';
import { HealthCheck } from '../../server/health';

function setUp() {
  const db: DatabaseHealth = { kind: 'embedded', process: 'running', restarts: 0, lastProblem: null, disk: null };
  let probes = 0;
  const pool = {
    query: async (sql: string) => {
      if (sql === 'SELECT 1') probes += 1;
      return { rows: [], rowCount: 0 };
    },
  };
  const check = new HealthCheck({ pool: pool as never, database: { health: () => db }, supervisor: null, staleSeconds: 60 });
  return { db, check, probes: () => probes };
}

describe('database health', () => {
  it('reuses a good probe while the process runs, and reports a restarting database unhealthy at once', async () => {
    const { db, check, probes } = setUp();
    expect((await check.report()).database.reachable).toBe(true);
    expect((await check.report()).database.reachable).toBe(true);
    expect(probes()).toBe(1); // the second answer reused the first probe

    db.process = 'restarting'; // killed; the keeper is starting it again
    const during = await check.report();
    expect(during.status).toBe('unhealthy');
    expect(during.database).toMatchObject({ reachable: false, error: 'unreachable (restarting)' });
    expect(during.problems).toEqual(['the embedded database is being restarted']);

    db.process = 'running';
    db.restarts = 1;
    expect((await check.report()).status).toBe('ok');
    expect(probes()).toBe(2); // asked afresh after the restart, not the probe from before it
  });

  it('reports a database shut down on purpose as unreachable', async () => {
    const { db, check } = setUp();
    db.process = 'stopped';
    expect((await check.report()).database).toMatchObject({ reachable: false, error: 'unreachable (stopped)' });
  });
});
