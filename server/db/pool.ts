/**
 * Connection pools for code that talks to PostgreSQL without Prisma (workers, the user CLI) and for
 * the pool under Prisma: one place that makes a dropped connection harmless.
 */
import pg from 'pg';

/**
 * A pg pool whose connections never crash the process when PostgreSQL drops them (restart, shutdown).
 * pg-pool listens for errors only on idle connections: one that is checked out, or that is being closed
 * because it was released while the pool ends, would otherwise raise an uncaught 'error' event when
 * the server terminates it (57P01 "terminating connection due to administrator command").
 */
export function newPool(config: pg.PoolConfig, onLost: (err: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', onLost);
  pool.on('connect', (client) => client.on('error', onLost));
  return pool;
}
