/**
 * The Prisma client factory: Prisma 6.19's JS query engine over node-postgres (@prisma/adapter-pg),
 * the combination that works offline. The client is generated into server/db/generated (committed)
 * by `npm run db:generate`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type { PrismaClient };
export { Prisma } from './generated/client';
export type { Run, Epoch, Evaluation, RobustnessPoint, RunGroup, RunStatus } from './generated/client';

export function createPrisma(url: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}
