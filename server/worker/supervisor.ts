/**
 * In the embedded default the server starts its trainer workers as child processes (training must
 * never share the HTTP server's event loop, and a worker killed with SIGKILL must leave the server
 * answering). The supervisor restarts a worker that dies and marks the run it held FAILED at once,
 * without waiting for the heartbeat timeout (which still covers workers on other hosts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '../db/client';
import { failRunsOfDeadWorker } from '../runs/reaper';
import { forgetWorker } from './registry';

const WORKER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

export interface SupervisorOptions {
  url: string;
  count: number;
  prisma: PrismaClient;
  env?: NodeJS.ProcessEnv;
  /** Pipe the workers' output here (default: inherit). */
  quiet?: boolean;
}

export class WorkerSupervisor {
  private children = new Set<ChildProcess>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {}

  start() {
    for (let i = 0; i < this.opts.count; i++) this.spawnOne();
  }

  get size(): number {
    return this.children.size;
  }

  pids(): number[] {
    return [...this.children].map((c) => c.pid!).filter(Boolean);
  }

  private spawnOne() {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
      env: { ...process.env, ...this.opts.env, DATABASE_URL: this.opts.url, WORKER_SUPERVISED: '1' },
      stdio: this.opts.quiet ? 'ignore' : 'inherit',
    });
    this.children.add(child);
    const started = Date.now();
    child.on('exit', (code, signal) => {
      this.children.delete(child);
      if (this.stopping) return;
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      console.error(`[server] worker ${child.pid} ${how}; restarting it`);
      void failRunsOfDeadWorker(this.opts.prisma, os.hostname(), child.pid!, how).catch(() => {});
      void forgetWorker(this.opts.prisma, { host: os.hostname(), pid: child.pid! }).catch(() => {});
      // A worker that dies right after starting (database gone, broken install) is retried slowly.
      setTimeout(() => !this.stopping && this.spawnOne(), Date.now() - started < 10_000 ? 5_000 : 500).unref();
    });
  }

  /** SIGTERM every worker (each puts its run back in the queue) and wait; SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children].map(
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
