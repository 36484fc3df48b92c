/**
 * The server's ear on the database: one LISTEN connection on `run_events` (fed by triggers, so every
 * writer is heard: workers, mutations, other server replicas), fanned out in-process to any number of
 * GraphQL subscriptions as async iterators. Reconnects with backoff if the connection drops. A run's
 * plain updates are coalesced to one per RUN_UPDATE_INTERVAL_MS (500 ms, the pace of a worker's progress reports), the latest kept.
 */
import pg from 'pg';
import type { RunStatus } from './db/client';
import type { EpochMetrics } from '../trainer/result';

export interface RunEvent {
  type: 'run';
  kind: 'created' | 'updated' | 'status' | 'deleted';
  runId: string;
  status: RunStatus;
  /** Sender's clock (ms since epoch) when the trigger fired. */
  at: number;
}

export interface EpochEvent {
  type: 'epoch';
  runId: string;
  /** The Epoch row as the trigger serialised it: the trainer's per-epoch metrics plus the run id. */
  epoch: EpochMetrics & { runId: string };
  at: number;
}

export type BusEvent = RunEvent | EpochEvent;

type Listener = (event: BusEvent) => void;

/** At most one plain update of a run is pushed per this many milliseconds (the latest one). */
const UPDATE_INTERVAL_MS = Math.max(0, Number(process.env.RUN_UPDATE_INTERVAL_MS ?? 500) || 0);

export class RunEvents {
  private client: pg.Client | null = null;
  private listeners = new Set<Listener>();
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  /** When each run's last plain update was fanned out, and the latest one waiting for its turn. */
  private readonly lastUpdate = new Map<string, number>();
  private readonly latestUpdate = new Map<string, RunEvent>();

  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      let event: BusEvent;
      try {
        event = JSON.parse(msg.payload) as BusEvent;
      } catch {
        return;
      }
      this.deliver(event);
    });
    client.on('error', () => this.reconnect());
    client.on('end', () => this.reconnect());
    await client.connect();
    await client.query('LISTEN run_events');
    this.client = client;
  }

  /**
   * Fans an event out. A run's plain updates (progress, tags, notes: kind 'updated') are coalesced to
   * one per RUN_UPDATE_INTERVAL_MS per run, the first at once and the latest at the end of the
   * interval: runUpdated pushes the whole current run, so the ones in between carry nothing new, while
   * each costs a push to every subscriber (issue 24: tag edits back to back made every watcher's
   * selection be built and sent again each time). Status changes, deletions and epochs pass at once.
   */
  private deliver(event: BusEvent) {
    if (event.type === 'run' && event.kind === 'updated' && UPDATE_INTERVAL_MS > 0) {
      const now = Date.now();
      const last = this.lastUpdate.get(event.runId) ?? 0;
      if (this.latestUpdate.has(event.runId)) {
        this.latestUpdate.set(event.runId, event); // a trailing delivery is due: it carries this one
        return;
      }
      if (now - last < UPDATE_INTERVAL_MS) {
        this.latestUpdate.set(event.runId, event);
        setTimeout(() => {
          const latest = this.latestUpdate.get(event.runId);
          this.latestUpdate.delete(event.runId);
          this.lastUpdate.set(event.runId, Date.now());
          if (latest && !this.closed) this.fanOut(latest);
        }, UPDATE_INTERVAL_MS - (now - last)).unref();
        return;
      }
      if (this.lastUpdate.size > 10_000) this.lastUpdate.clear();
      this.lastUpdate.set(event.runId, now);
    }
    this.fanOut(event);
  }

  private fanOut(event: BusEvent) {
    for (const l of this.listeners) l(event);
  }

  private reconnect() {
    if (this.closed || this.retry) return;
    this.client = null;
    this.retry = setTimeout(async () => {
      this.retry = null;
      try {
        await this.start();
      } catch {
        this.reconnect();
      }
    }, 1000);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An async iterator of the events that pass `filter`, mapped by `map` (dropping undefined). */
  subscribe<T>(filter: (e: BusEvent) => boolean, map: (e: BusEvent) => T | Promise<T | undefined> | undefined): AsyncIterableIterator<T> {
    const queue: BusEvent[] = [];
    let waiting: ((r: IteratorResult<BusEvent>) => void) | null = null;
    let done = false;
    const off = this.on((e) => {
      if (done || !filter(e)) return;
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: e, done: false });
      } else queue.push(e);
    });
    const finish = (): Promise<IteratorResult<T>> => {
      done = true;
      off();
      waiting?.({ value: undefined, done: true });
      waiting = null;
      return Promise.resolve({ value: undefined, done: true });
    };
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        for (;;) {
          if (done) return { value: undefined, done: true };
          const event = queue.length
            ? queue.shift()!
            : await new Promise<IteratorResult<BusEvent>>((resolve) => (waiting = resolve)).then((r) => (r.done ? null : r.value));
          if (event === null) return { value: undefined, done: true };
          const value = await map(event);
          if (value !== undefined) return { value, done: false };
        }
      },
      return: finish,
      throw: (err) => {
        void finish();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.listeners.clear();
    await this.client?.end().catch(() => {});
  }
}
