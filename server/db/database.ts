/**
 * Where the database is: `DATABASE_URL` when given (any PostgreSQL, shared by servers and workers on
 * many hosts), otherwise the embedded server under `$DATA_DIR/postgres` (DATA_DIR defaults to .data).
 * Either way the migrations are applied before anyone uses it, so every entry point (server, worker,
 * bench, tests) calls this first. Problems the user can fix (a DATA_DIR that is a file or cannot be
 * created, no server to attach to) are StartupErrors: one line saying what to do.
 */
import path from 'node:path';
import { StartupError } from '../util/startupError';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { migrate } from './migrate';

export interface DatabaseHandle {
  url: string;
  /** Set when this process started the embedded server (it must stop it on shutdown). */
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
  dataDir?: string;
  port?: number;
  /** Database name inside the embedded server. */
  name?: string;
  /** Never start the embedded server; only join one a server already runs (workers). */
  attachOnly?: boolean;
}

/** The embedded PostgreSQL's data folder: `$DATA_DIR/postgres`. */
export function embeddedDataDir(): string {
  return path.join(process.env.DATA_DIR || '.data', 'postgres');
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const external = options.url ?? process.env.DATABASE_URL;
  if (external) {
    await migrate(external);
    return { url: external, embedded: null, close: async () => {} };
  }
  const dataDir = options.dataDir ?? embeddedDataDir();
  if (options.attachOnly) {
    const url = runningEmbeddedUrl(dataDir, options.name ?? 'emnist');
    if (!url) throw new StartupError(`No database: set DATABASE_URL, or start the server first (npm start) so its embedded PostgreSQL runs in ${path.resolve(dataDir)}`);
    await migrate(url);
    return { url, embedded: null, close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: options.port ?? (Number(process.env.EMBEDDED_PG_PORT) || 0),
  });
  try {
    const url = await embedded.database(options.name ?? 'emnist');
    await migrate(url);
    return { url, embedded, close: () => embedded.stop() };
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}
