/**
 * A query that stops when its caller goes away: when `signal` aborts (the HTTP client disconnected,
 * the subscription ended), the statement is cancelled in PostgreSQL with pg_cancel_backend instead of
 * running on to its end or to statement_timeout. The connection stays checked out until the cancel
 * has been delivered, so the cancel can never reach a later query that reuses the connection (an idle
 * backend ignores it).
 */
import type pg from 'pg';
import { GraphQLError } from 'graphql/index.js';

export async function cancellableQuery<T extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[], signal?: AbortSignal | null): Promise<T[]> {
  if (!signal) return (await pool.query<T>(text, values)).rows;
  if (signal.aborted) throw new GraphQLError('The request was abandoned by its client', { extensions: { code: 'CLIENT_CLOSED_REQUEST' } });
  const client = await pool.connect();
  let cancelling: Promise<unknown> | null = null;
  const onAbort = () => {
    const pid = (client as unknown as { processID: number }).processID;
    cancelling = pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (cancelling) await cancelling;
    client.release();
  }
}
