/**
 * The one way run-lifecycle code talks to PostgreSQL: parametrised SQL text through node-postgres
 * (`pg.Pool`, `pg.Client` and `pg.PoolClient` all fit `Sql`). Callers that only hold a Prisma client
 * (the API's service functions) pass it through `toSql`, which sends the same statement text through
 * the pg pool behind Prisma's driver adapter; every lifecycle statement reports what it changed with
 * RETURNING, so both routes give the same rows.
 */
import type { PrismaClient } from '../db/client';

export interface Sql {
  query<R extends Record<string, any> = Record<string, any>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export type Db = Sql | PrismaClient;

function isPrisma(db: Db): db is PrismaClient {
  return typeof (db as PrismaClient).$queryRawUnsafe === 'function';
}

export function toSql(db: Db): Sql {
  if (!isPrisma(db)) return db;
  return {
    async query<R>(text: string, values: unknown[] = []) {
      return { rows: await db.$queryRawUnsafe<R[]>(text, ...values) };
    },
  };
}
