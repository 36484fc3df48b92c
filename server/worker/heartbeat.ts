/**
 * The main thread's handle on the heartbeat thread (heartbeatThread.mjs says why it is a thread): tell
 * it which run the worker holds, and hear back after every beat whether the run is still the worker's
 * (`onRun`) and whether the database answered (`onDatabase`). Each hold gets a generation number, so
 * the answer to a beat sent for an earlier hold (even of the same run, claimed again) is never taken
 * for news about the current one. The worker's registry row (capabilities, thread share, models problem)
 * is refreshed from here too; `register` sends the thread a changed registration.
 */
import { Worker } from 'node:worker_threads';
import { HEARTBEAT_SQL, type Holder } from '../runs/lifecycle';
import { ANNOUNCE_SQL, announceParams, type WorkerRegistration } from './registry';

export interface RunBeat {
  runId: string;
  generation: number;
  /** False: the run is no longer RUNNING in this worker's hands (reaped and taken over, or ended). */
  held: boolean;
  cancelRequested: boolean;
}

export interface HeartbeatOptions {
  url: string;
  holder: Holder;
  intervalMs: number;
  onRun(beat: RunBeat): void;
  onDatabase(ok: boolean, error?: string): void;
}

export class Heartbeat {
  private thread: Worker | null = null;
  private generation = 0;

  constructor(private readonly opts: HeartbeatOptions) {}

  start(registration: WorkerRegistration): void {
    const { url, holder, intervalMs } = this.opts;
    this.thread = new Worker(new URL('./heartbeatThread.mjs', import.meta.url), {
      workerData: { url, intervalMs, host: holder.host, pid: holder.pid, holderId: holder.id, announceSql: ANNOUNCE_SQL, heartbeatSql: HEARTBEAT_SQL },
    });
    this.register(registration);
    this.thread.on('message', (m: { type: string } & Partial<RunBeat> & { ok?: boolean; error?: string }) => {
      if (m.type === 'run') this.opts.onRun(m as RunBeat);
      else if (m.type === 'database') this.opts.onDatabase(m.ok === true, m.error);
    });
    this.thread.on('error', (err) => this.opts.onDatabase(false, `heartbeat thread failed: ${err.message}`));
    this.thread.unref();
  }

  /** Starts beating for `runId`; returns the generation its answers carry. */
  hold(runId: string): number {
    this.generation += 1;
    this.thread?.postMessage({ type: 'hold', runId, generation: this.generation });
    return this.generation;
  }

  release(): void {
    this.generation += 1;
    this.thread?.postMessage({ type: 'release' });
  }

  isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  /** What the next beats write into the worker's registry row. */
  register(registration: WorkerRegistration): void {
    this.thread?.postMessage({ type: 'registration', params: announceParams(registration) });
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    if (!thread) return;
    const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
    thread.postMessage({ type: 'stop' });
    const timer = setTimeout(() => void thread.terminate(), 3000);
    await exited;
    clearTimeout(timer);
  }
}
