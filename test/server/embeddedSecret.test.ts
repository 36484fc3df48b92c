/**
 * The embedded PostgreSQL's superuser secret: a fresh data folder gets a random password (file mode
 * 0600) and the old postgres/postgres login is refused; a restart connects with the stored secret; a
 * data folder made with the old default is moved to a secret on its next start; and a trainer worker
 * (`npm run worker`, no DATABASE_URL) joins a running server's database through it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../../server/db/embedded';
import { secretFile } from '../../server/db/embeddedSecret';
import { startUntil, tsxCommand } from '../helpers/process';
import { startTestService, waitFor } from './helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function login(port: number, password: string, database = 'postgres'): Promise<'ok' | string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh DATA_DIR per database, directly in the temporary folder: as root, the server opens DATA_DIR
 * itself to the `postgres` user but never the folders above it.
 */
const made: string[] = [];
function dataRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-secret-test-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded database secret', () => {
  it('is random, stored with mode 0600, and the old postgres/postgres login fails; a restart still connects', async () => {
    const root = dataRoot();
    const dataDir = path.join(root, 'postgres');
    const first = await startEmbeddedPostgres({ dataDir });
    let secret: string;
    try {
      const file = secretFile(dataDir);
      expect(file).toBe(path.join(root, 'postgres.password'));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      secret = fs.readFileSync(file, 'utf8').trim();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
      expect(await login(first.port, 'postgres')).toBe('28P01'); // invalid_password
      expect(await login(first.port, secret)).toBe('ok');
      expect(first.url).toContain(encodeURIComponent(secret));
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(fs.readFileSync(secretFile(dataDir), 'utf8').trim()).toBe(secret);
      expect(await login(second.port, secret)).toBe('ok');
      expect(await login(second.port, 'postgres')).toBe('28P01');
    } finally {
      await second.stop();
    }
    // Another data folder gets another secret.
    const otherDir = path.join(dataRoot(), 'postgres');
    const other = await startEmbeddedPostgres({ dataDir: otherDir });
    await other.stop();
    expect(fs.readFileSync(secretFile(otherDir), 'utf8').trim()).not.toBe(secret);
  });

  it('replaces the old postgres/postgres login of a data folder made before secrets existed', async () => {
    const dataDir = path.join(dataRoot(), 'postgres');
    // Make the folder exactly as the old code left it: superuser password "postgres", cleartext
    // `password` host authentication, no secret file.
    const old = await startEmbeddedPostgres({ dataDir });
    const admin = new pg.Client({ connectionString: old.url });
    await admin.connect();
    await admin.query(`ALTER ROLE postgres PASSWORD 'postgres'`);
    const hba = (await admin.query<{ hba_file: string }>('SHOW hba_file')).rows[0].hba_file;
    fs.writeFileSync(hba, fs.readFileSync(hba, 'utf8').replace(/scram-sha-256\s*$/gm, 'password'));
    await admin.end();
    await old.stop();
    fs.rmSync(secretFile(dataDir));
    expect(fs.readFileSync(hba, 'utf8')).toMatch(/^host\s.*\spassword$/m);

    const log: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => log.push(args.join(' '));
    let db: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
    try {
      db = await startEmbeddedPostgres({ dataDir });
    } finally {
      console.log = original;
    }
    try {
      const secret = fs.readFileSync(secretFile(dataDir), 'utf8').trim();
      expect(fs.statSync(secretFile(dataDir)).mode & 0o777).toBe(0o600);
      expect(log.join('\n')).toContain(`replaced the default postgres/postgres login of ${path.resolve(dataDir)}`);
      expect(await login(db.port, 'postgres')).toBe('28P01');
      expect(await login(db.port, secret)).toBe('ok');
      expect(fs.readFileSync(hba, 'utf8')).not.toMatch(/^host\s.*\spassword$/m);
    } finally {
      await db.stop();
    }
  });

  it('a worker started with `npm run worker` (no DATABASE_URL) joins the running server through it', async () => {
    const root = dataRoot();
    const service = await startTestService({ dataDir: path.join(root, 'postgres') });
    const worker = await startUntil(
      ...tsxCommand('server/worker/main.ts'),
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', DATA_DIR: root, MODELS_DIR: path.join(root, 'models') } },
      /\[worker \d+\] ready/,
    );
    try {
      expect(runningEmbeddedUrl(path.join(root, 'postgres'), 'emnist')).toBe(service.databaseUrl);
      // The server counts it among the workers on the shared database.
      await waitFor(async () => (await service.gql('{ system { workers } }')).data?.system.workers === 1);
    } finally {
      expect(await worker.stop()).toBe(0);
      await service.stopAll();
    }
  });
});
