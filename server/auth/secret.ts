/**
 * The key better-auth signs session cookies with. AUTH_SECRET when set (at least 32 characters);
 * otherwise a random 32-byte key generated on first start and kept in the database (AuthSecret), so
 * every server replica sharing the database signs and checks cookies alike and a restart keeps
 * everyone signed in. Anyone who can read the database can read this key, but such a person can also
 * read and write the sessions themselves, so it adds no exposure.
 */
import crypto from 'node:crypto';
import type pg from 'pg';

export async function loadAuthSecret(pool: pg.Pool, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.AUTH_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`); unset it to let the server keep one in the database');
    return fromEnv;
  }
  const fresh = crypto.randomBytes(32).toString('base64url');
  await pool.query('INSERT INTO "AuthSecret" ("id", "secret") VALUES (1, $1) ON CONFLICT ("id") DO NOTHING', [fresh]);
  const { rows } = await pool.query<{ secret: string }>('SELECT "secret" FROM "AuthSecret" WHERE "id" = 1');
  return rows[0].secret;
}
