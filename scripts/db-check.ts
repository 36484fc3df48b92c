/**
 * `npm run db:check` (CI): fails when prisma/schema.prisma has changes no migration carries, i.e. when
 * someone edited the schema (and so the generated Prisma client the code compiles against) without
 * `npm run db:diff`: the code would then run against tables that lack what its types promise.
 * Prints the SQL the missing migration needs.
 */
import { pendingMigrationSql } from './lib/schemaDiff';

const body = await pendingMigrationSql();
if (body) {
  console.error(`[db:check] prisma/schema.prisma has changes no migration carries; run \`npm run db:diff -- <name>\` to write this one:\n${body}`);
  process.exit(1);
}
console.log('[db:check] the migrations build exactly prisma/schema.prisma');
