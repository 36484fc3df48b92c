/**
 * Starting the embedded PostgreSQL as root. PostgreSQL refuses to run as root, so it runs as the
 * unprivileged OS user `postgres` (created when missing), and that user must be able to reach the
 * binaries and the data folder. A checkout in a private folder (mode 0700, as `mktemp -d` makes, or
 * /root) hides both. So, as root:
 * - when `postgres` cannot run the binaries from node_modules, they are copied once per version to
 *   `<shared>/postgres-<version>-<platform>-<arch>` (root-owned, 0755);
 * - DATA_DIR itself is opened for traversal only (o+x, so names in it cannot be listed); when a
 *   folder above DATA_DIR is closed to `postgres`, the database lives in `<shared>/clusters/<id>`
 *   instead, `$DATA_DIR/postgres` links to it, and every start says where it is;
 * - anything still out of reach stops the start with one line naming it and the three ways out.
 * `<shared>` is EMBEDDED_PG_SHARED_DIR, default /var/lib/emnist-dashboard. Folders above DATA_DIR are
 * never changed. Reachability is tested by running `test -x` as `postgres`, so it sees exactly what
 * PostgreSQL will (modes, ACLs, mounts).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDirectory } from '../util/ensureDirectory';
import { StartupError } from '../util/startupError';

export interface PostgresAccount {
  uid: number;
  gid: number;
}

export const DEFAULT_SHARED_DIR = '/var/lib/emnist-dashboard';

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The one-line explanation for every way the root path can fail. */
export function rootError(what: string): StartupError {
  return new StartupError(
    `Cannot start the embedded PostgreSQL as root: PostgreSQL refuses to run as root, so it runs as the OS user 'postgres', and ${what}. ` +
      'Fix it one of three ways: run as a normal user; move the checkout to a folder every user can enter (e.g. /srv/emnist-dashboard); ' +
      'or set DATABASE_URL to a PostgreSQL server you run.',
  );
}

function idOf(flag: '-u' | '-g'): number | null {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** The `postgres` OS account, created (as a system user without a home or shell) when missing. */
export function postgresAccount(): PostgresAccount {
  if (idOf('-u') === null) {
    spawnSync('groupadd', ['--system', 'postgres'], { encoding: 'utf8' }); // exit 9 = exists already
    const r = spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0 && idOf('-u') === null) {
      const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n')[0] || `exit ${r.status}`;
      throw rootError(`that user does not exist and could not be created (useradd: ${why})`);
    }
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

/** Whether `postgres` can pass `test <flag> target` (-x: enter a folder or run a file). */
export function canReach(account: PostgresAccount, target: string, flag = '-x'): boolean {
  const r = spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return r.status === 0;
}

/** The first folder on the way to `target` that `postgres` cannot enter, or null. */
export function firstClosed(account: PostgresAccount, target: string): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = path.sep + parts.slice(0, i).join(path.sep);
    if (!fs.existsSync(p)) return null;
    if (fs.statSync(p).isDirectory() && !canReach(account, p)) return p;
  }
  return null;
}

/** Why `postgres` cannot reach `target`, for messages. */
function why(account: PostgresAccount, target: string): string {
  const closed = firstClosed(account, target);
  return closed ? `${closed} is closed to it` : 'permission denied';
}

/** The root-owned folder for copied binaries and relocated clusters; refused if others could write to it. */
function sharedDir(): string {
  const dir = process.env.EMBEDDED_PG_SHARED_DIR || DEFAULT_SHARED_DIR;
  ensureDirectory(dir, 'EMBEDDED_PG_SHARED_DIR');
  const st = fs.statSync(dir);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new StartupError(`EMBEDDED_PG_SHARED_DIR (${dir}) must be owned by root and writable only by root, since PostgreSQL's binaries are run from it; remove it or point EMBEDDED_PG_SHARED_DIR elsewhere.`);
  }
  if ((st.mode & 0o005) !== 0o005) fs.chmodSync(dir, (st.mode & 0o7777) | 0o055);
  return dir;
}

/** World-readable files, world-enterable folders (the mode bits cpSync copied may be narrower). */
function openUp(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      fs.chmodSync(p, 0o755);
      openUp(p);
    } else {
      const mode = fs.statSync(p).mode & 0o777;
      fs.chmodSync(p, mode & 0o100 ? 0o755 : 0o644);
    }
  }
  fs.chmodSync(dir, 0o755);
}

/**
 * The folder with PostgreSQL's bin/, lib/ and share/ that `postgres` can use: `nativeDir` itself
 * when reachable, else a copy in the shared folder (made once per version, atomically).
 */
export function reachableBinaries(account: PostgresAccount, nativeDir: string, version: string, log: (m: string) => void): string {
  const probe = (dir: string) => canReach(account, path.join(dir, 'bin', 'postgres'));
  if (probe(nativeDir)) return nativeDir;
  const dest = path.join(sharedDir(), `postgres-${version}-${process.platform}-${process.arch}`);
  const marker = path.join(dest, '.complete');
  if (!fs.existsSync(marker)) {
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    openUp(tmp);
    fs.writeFileSync(marker.replace(dest, tmp), `${version}\n`);
    if (fs.existsSync(dest) && !fs.existsSync(marker)) fs.rmSync(dest, { recursive: true, force: true }); // an interrupted copy
    try {
      fs.renameSync(tmp, dest);
      log(`[postgres] running as root: copied the PostgreSQL binaries to ${dest}, where the 'postgres' user can run them (${firstClosed(account, nativeDir) ?? nativeDir} is closed to it)`);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(marker)) throw err; // not merely another process finishing first
    }
  }
  if (!probe(dest)) throw rootError(`it cannot run the copied binaries in ${dest} (${why(account, dest)})`);
  return dest;
}

/**
 * The folder PostgreSQL should use for `dataDir` (PGDATA), owned by `postgres`: `dataDir` itself
 * when `postgres` can reach it, else a folder in the shared folder that `dataDir` links to.
 * `dataDir`'s parent (DATA_DIR) must exist.
 */
export function reachableDataDir(account: PostgresAccount, dataDir: string, log: (m: string) => void): string {
  const holder = path.dirname(dataDir);
  if (fs.lstatSync(dataDir, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const real = fs.realpathSync(dataDir);
    if (!canReach(account, real)) throw rootError(`it cannot reach ${real}, where ${dataDir} points (${why(account, real)})`);
    log(`[postgres] running as root: the database of ${dataDir} lives in ${real}`);
    return real;
  }
  const above = path.dirname(holder);
  if (holder === above || canReach(account, above)) {
    // Only DATA_DIR itself may be closed: open it for traversal (not for listing).
    if (!canReach(account, holder)) fs.chmodSync(holder, (fs.statSync(holder).mode & 0o7777) | 0o011);
    if (canReach(account, holder)) return ownedPgData(account, dataDir);
  }
  const closed = firstClosed(account, dataDir) ?? holder;
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw rootError(`it cannot reach the existing database in ${dataDir} (${closed} is closed to it)`);
  }
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw rootError(`it cannot reach ${dataDir} (${closed} is closed to it), which is not empty`);
  }
  const id = crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  const slug = path.basename(path.dirname(path.resolve(holder))).replace(/[^A-Za-z0-9._-]+/g, '_') || 'data';
  const clusters = path.join(sharedDir(), 'clusters');
  fs.mkdirSync(clusters, { recursive: true, mode: 0o755 });
  const real = path.join(clusters, `${slug}-${id}`);
  ownedPgData(account, real);
  if (!canReach(account, real)) throw rootError(`it cannot reach ${real} either (${why(account, real)})`);
  if (fs.existsSync(dataDir)) fs.rmdirSync(dataDir);
  fs.symlinkSync(real, dataDir);
  log(`[postgres] running as root: the 'postgres' user cannot enter ${closed}, so the database lives in ${real} (linked from ${dataDir}; delete both to start afresh)`);
  return real;
}

function ownedPgData(account: PostgresAccount, dir: string): string {
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { mode: 0o700 });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    fs.chownSync(dir, account.uid, account.gid);
    fs.chmodSync(dir, 0o700);
  }
  return dir;
}
