/**
 * The Prisma client factory: Prisma 6.19's JS query engine over node-postgres (@prisma/adapter-pg),
 * the combination that works offline. The client is generated into server/db/generated (not committed)
 * by `npm run generate`, which `npm ci` and the start/test scripts run.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { newPool } from './pool';
import { PrismaClient, type Evaluation } from './generated/client';

export type { PrismaClient };
export { Prisma } from './generated/client';
export type { Run, Epoch, Evaluation, RobustnessPoint, RunGroup, RunStatus } from './generated/client';

/** An Evaluation row without its bulky JSON columns: what lists and the per-run loader read. */
export type EvaluationScalars = Omit<Evaluation, 'perClass' | 'confusion' | 'classNames'>;

/** EvaluationScalars' columns, for the SQL that reads them without Prisma (the runs list and its loader). */
export const EVALUATION_SCALAR_COLUMNS = ['runId', 'accuracy', 'macroF1', 'crossEntropy', 'trainAccuracy', 'trainLoss', 'valAccuracy', 'valLoss', 'count'] as const satisfies readonly (keyof EvaluationScalars)[];
// A column added to Evaluation must be added above (or to the Omit): this line stops compiling otherwise.
const _everyScalarListed: [Exclude<keyof EvaluationScalars, (typeof EVALUATION_SCALAR_COLUMNS)[number]>] extends [never] ? true : never = true;

export function createPrisma(url: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

/**
 * Prisma and a plain pg pool sharing the same connections. Hot read paths (the runs list) send their
 * SQL straight through the pool: on a small machine Prisma's JS engine adds several ms per query.
 */
export function createDb(url: string, options: { max?: number; statementTimeoutMs?: number } = {}): { prisma: PrismaClient; pool: pg.Pool; close(): Promise<void> } {
  // statement_timeout: no single statement of the API may hold a connection (and a core) for long.
  // A connection the server drops (database restart, shutdown) must not crash the process: the pool
  // replaces it on next use. Prisma's own listener goes away with $disconnect, so ours stays.
  const pool = newPool({ connectionString: url, max: options.max ?? 10, ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}) }, (err) => {
    if (!ending) console.warn(`[db] connection lost: ${err.message}`);
  });
  let ending = false;
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      ending = true;
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
