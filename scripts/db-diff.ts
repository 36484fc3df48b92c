/**
 * `npm run db:diff -- <name>`: writes the next SQL migration. prisma/migrations/schema.snapshot.prisma
 * is the schema as of the last migration; `prisma migrate diff` turns snapshot → prisma/schema.prisma
 * into SQL (scripts/lib/schemaDiff.ts), saved as prisma/migrations/<NNNN>_<name>/migration.sql
 * (nothing when unchanged), and the snapshot moves forward. Also regenerates the Prisma client.
 * Works offline (DESIGN.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR, readMigrations } from '../server/db/migrate';
import { generate } from './generate';
import { pendingMigrationSql, SNAPSHOT } from './lib/schemaDiff';

const name = (process.argv[2] ?? 'change').replace(/[^a-z0-9_]+/gi, '_');
const body = await pendingMigrationSql();
if (!body) {
  console.log('Schema unchanged: no migration written.');
} else {
  const next = String(readMigrations().length + 1).padStart(4, '0');
  const out = path.join(MIGRATIONS_DIR, `${next}_${name}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'migration.sql'), `${body}\n`);
  fs.copyFileSync('prisma/schema.prisma', SNAPSHOT);
  console.log(`Wrote ${path.relative(process.cwd(), out)}/migration.sql:\n${body}`);
}
await generate({ force: true });
