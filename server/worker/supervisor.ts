/**
 * In the embedded default the server starts its trainer workers as child processes (training must
 * never share the HTTP server's event loop, and a worker killed with SIGKILL must leave the server
 * answering). Each child gets its holder token (WORKER_ID), so when one dies the supervisor reaps its
 * run at once (lifecycle.reap: the attempt failed, the run goes back to the queue with its checkpoint
 * and the next worker resumes it) without waiting for the heartbeat timeout, which still covers workers
 * on other hosts and stopped ones. A dead worker is restarted, with a growing delay while workers keep
 * dying right after starting (database gone, broken install). Each child is told how many workers this
 * server starts on the host (WORKERS_ON_HOST), so their default thread counts share its cores from the
 * first run on, before they have all registered (threadBudget.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reap } from '../runs/lifecycle';
import type { Db } from '../runs/sql';
import { forgetWorker } from './registry';

const WORKER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

export interface SupervisorOptions {
  url: string;
  count: number;
  prisma: Db;
  env?: NodeJS.ProcessEnv;
  /** Pipe the workers' output here (default: inherit). */
  quiet?: boolean;
}

export interface SupervisorHealth {
  expected: number;
  running: number;
  restarts: number;
  lastExit: { at: string; pid: number; how: string } | null;
}

export class WorkerSupervisor {
  private children = new Map<ChildProcess, string>();
  private stopping = false;
  private quickDeaths = 0;
  private restarts = 0;
  private lastExit: SupervisorHealth['lastExit'] = null;

  constructor(private readonly opts: SupervisorOptions) {}

  start() {
    for (let i = 0; i < this.opts.count; i++) this.spawnOne();
  }

  get size(): number {
    return this.children.size;
  }

  pids(): number[] {
    return [...this.children.keys()].map((c) => c.pid!).filter(Boolean);
  }

  health(): SupervisorHealth {
    return { expected: this.opts.count, running: this.children.size, restarts: this.restarts, lastExit: this.lastExit };
  }

  private spawnOne() {
    const id = crypto.randomUUID();
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
      env: { ...process.env, ...this.opts.env, DATABASE_URL: this.opts.url, WORKER_SUPERVISED: '1', WORKER_ID: id, WORKERS_ON_HOST: String(this.opts.count) },
      stdio: this.opts.quiet ? 'ignore' : 'inherit',
    });
    this.children.set(child, id);
    const started = Date.now();
    child.on('exit', (code, signal) => {
      this.children.delete(child);
      if (this.stopping) return;
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      this.lastExit = { at: new Date().toISOString(), pid: child.pid!, how };
      console.error(`[server] worker ${child.pid} ${how}; restarting it`);
      void reap(this.opts.prisma, { holder: id, how }).catch(() => {});
      void forgetWorker(this.opts.prisma, id).catch(() => {});
      this.quickDeaths = Date.now() - started < 10_000 ? this.quickDeaths + 1 : 0;
      const delay = this.quickDeaths ? Math.min(5_000 * 2 ** (this.quickDeaths - 1), 60_000) : 500;
      setTimeout(() => {
        if (this.stopping) return;
        this.restarts += 1;
        this.spawnOne();
      }, delay).unref();
    });
  }

  /** SIGTERM every worker (each hands its run back) and wait; SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.keys()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
