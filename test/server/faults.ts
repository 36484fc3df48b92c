/**
 * Helpers for the fault tests (lifecycle, resume after worker death, heartbeat, database healing),
 * separate from helpers.ts, which other work changes: runs made directly in the database in any state,
 * the reaper's clock, worker processes spawned with their output captured, and the embedded database's pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { waitFor } from './helpers';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A Run row for prisma.run.create, on the MNIST digits (every field the schema requires). */
export const runRow = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  engine: 'scratch',
  dataset: 'mnist',
  seed: 1,
  config: { ...DEFAULT_CONFIG, epochs: 5 } as object,
  ...extra,
});

export const newHolder = (pid = 4242, host = 'test-host') => ({ id: crypto.randomUUID(), host, pid });

/**
 * The reaper counts staleness from the later of the last heartbeat and the database's start (a
 * restart is nobody's silence): tests with faked old heartbeats wait until the database is older than
 * the stale window they use.
 */
export async function databaseOlderThan(url: string, seconds: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await waitFor(async () => (await client.query(`SELECT now() - pg_postmaster_start_time() > make_interval(secs => $1) AS old`, [seconds])).rows[0].old, 60_000, 100);
  } finally {
    await client.end();
  }
}

/** A worker process (`npm run worker`, or a fixture script) on `url`, its output collected line by line. */
export interface SpawnedWorker {
  child: ChildProcess;
  pid: number;
  lines: string[];
  /** Resolves with the first output line matching `re` (already printed or still to come). */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export function spawnWorker(url: string, env: Record<string, string> = {}, script = 'server/worker/main.ts'): SpawnedWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      if (process.env.DEBUG_WORKERS) console.log(`  [spawned] ${l}`);
      for (const w of [...waiters]) if (w.re.test(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    pid: child.pid!,
    lines,
    line(re, timeoutMs = 60_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output line matching ${re} within ${timeoutMs} ms; output:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** The pid of the embedded PostgreSQL running on `dataDir` (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
