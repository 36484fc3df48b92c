// Prisma CLI configuration: the JS engine with a driver adapter, which is what works offline with
// Prisma 6.19 (see ../shared/DESIGN.md). Only `prisma generate` and `prisma migrate diff` are used;
// migrations are applied by server/db/migrate.ts.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The schema's datasource reads DATABASE_URL; generate and diff never connect, so a placeholder will do.
process.env.DATABASE_URL ??= 'postgresql://postgres:postgres@localhost:5432/postgres';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    return new PrismaPg({ connectionString: process.env.DATABASE_URL! });
  },
});
