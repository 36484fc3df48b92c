/**
 * `npm run db:diff -- <name>`: writes the next SQL migration. prisma/migrations/schema.snapshot.prisma
 * is the schema as of the last migration; `prisma migrate diff` turns snapshot → prisma/schema.prisma
 * into SQL, saved as prisma/migrations/<NNNN>_<name>/migration.sql (nothing when unchanged), and the
 * snapshot moves forward. Prisma's JS engine needs a live connection even for this, so a throwaway
 * embedded PostgreSQL is started. Also regenerates the Prisma client. Works offline (DESIGN.md).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { MIGRATIONS_DIR, readMigrations } from '../server/db/migrate';
import { generate } from './generate';

const name = (process.argv[2] ?? 'change').replace(/[^a-z0-9_]+/gi, '_');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-diff-'));
const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg') });
try {
  const url = await pg.database('diff');
  const snapshot = path.join(MIGRATIONS_DIR, 'schema.snapshot.prisma');
  const from = fs.existsSync(snapshot) ? ['--from-schema-datamodel', snapshot] : ['--from-empty'];
  const sql = execFileSync('npx', ['prisma', 'migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  const body = sql.split('\n').filter((l) => !l.startsWith('Loaded Prisma config')).join('\n').trim();
  if (!body || body === '-- This is an empty migration.') {
    console.log('Schema unchanged: no migration written.');
  } else {
    const next = String(readMigrations().length + 1).padStart(4, '0');
    const out = path.join(MIGRATIONS_DIR, `${next}_${name}`);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'migration.sql'), `${body}\n`);
    fs.copyFileSync('prisma/schema.prisma', snapshot);
    console.log(`Wrote ${path.relative(process.cwd(), out)}/migration.sql:\n${body}`);
  }
  await generate({ force: true });
} finally {
  await pg.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
