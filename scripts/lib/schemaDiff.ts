/**
 * The SQL that would bring the database the migrations build up to prisma/schema.prisma:
 * `prisma migrate diff` from prisma/migrations/schema.snapshot.prisma (the schema as of the last
 * migration, moved forward by `npm run db:diff`) to the schema. Empty when the migrations are up to
 * date. Prisma's JS engine needs a live connection even for this, so a throwaway embedded PostgreSQL
 * is started (offline, as DESIGN.md explains; diffing from a live database does not work offline).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../server/db/embedded';
import { MIGRATIONS_DIR } from '../../server/db/migrate';

const require = createRequire(import.meta.url);
export const SNAPSHOT = path.join(MIGRATIONS_DIR, 'schema.snapshot.prisma');

export async function pendingMigrationSql(schema = 'prisma/schema.prisma'): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-diff-'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg') });
  try {
    const url = await pg.database('diff');
    const from = fs.existsSync(SNAPSHOT) ? ['--from-schema-datamodel', SNAPSHOT] : ['--from-empty'];
    const sql = execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'diff', ...from, '--to-schema-datamodel', schema, '--script'], {
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const body = sql.split('\n').filter((l) => !l.startsWith('Loaded Prisma config')).join('\n').trim();
    return body === '-- This is an empty migration.' ? '' : body;
  } finally {
    await pg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
