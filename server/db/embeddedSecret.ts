/**
 * The embedded PostgreSQL's superuser password. PostgreSQL listens on 127.0.0.1, where any local user
 * can connect, and its superuser can run programs as the database's OS user (COPY … FROM PROGRAM), so
 * the password is random (32 bytes), made on first start and kept beside the cluster in
 * `<DATA_DIR>/postgres.password` (mode 0600, readable only by the user who starts the server): the
 * server, its workers, `npm run worker` and any other local tool read it from there. A data folder
 * made before this existed still has the old `postgres`/`postgres` login; the next start replaces it.
 * Why a password and not a Unix socket with peer authentication: every client here (pg, Prisma's
 * adapter, workers on other hosts via DATABASE_URL) already speaks TCP URLs, and as root the server
 * runs as another OS user than its clients, which peer authentication would have to map.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What every embedded cluster used before it had a secret. */
export const LEGACY_PASSWORD = 'postgres';

/** `<dataDir>.password`: the PostgreSQL data folder's sibling, so the secret lives in DATA_DIR. */
export function secretFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.password`);
}

export function readSecret(dataDir: string): string | null {
  const file = secretFile(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // Tighten a copy that lost its mode (e.g. restored from a backup).
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return text || null;
}

/** The stored secret, or a new one written atomically with mode 0600 (a concurrent writer's wins). */
export function ensureSecret(dataDir: string): string {
  const existing = readSecret(dataDir);
  if (existing) return existing;
  const secret = crypto.randomBytes(32).toString('base64url');
  const file = secretFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file); // fails with EEXIST when another process got there first
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readSecret(dataDir) ?? secret;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
