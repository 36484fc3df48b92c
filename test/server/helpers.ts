/**
 * Test harness for the run service: each test file gets its own embedded PostgreSQL in a temp folder on
 * a free port (never a fixed one), a server without the Next.js UI on a free port, and helpers for
 * GraphQL over HTTP and graphql-ws.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startRunService, type RunService, type RunServiceOptions } from '../../server/app';

export interface TestService extends RunService {
  tmp: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: any }[] }>;
  ws(): Client;
  stopAll(): Promise<void>;
}

export async function startTestService(options: RunServiceOptions = {}): Promise<TestService> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-server-test-'));
  const service = await startRunService({
    port: 0,
    host: '127.0.0.1',
    serveUi: false,
    dataDir: path.join(tmp, 'pg'),
    workers: 0,
    quietWorkers: !process.env.DEBUG_WORKERS,
    ...options,
    workerEnv: { MODELS_DIR: path.join(tmp, 'models'), WORKER_HEARTBEAT_MS: '500', ...options.workerEnv } as NodeJS.ProcessEnv,
  });
  const clients: Client[] = [];
  return {
    ...service,
    tmp,
    async gql(query, variables) {
      const res = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return res.json();
    },
    ws() {
      const client = createClient({ url: `${service.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      clients.push(client);
      return client;
    },
    async stopAll() {
      await Promise.all(clients.map((c) => c.dispose()));
      await service.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Collects every value of a subscription until `until` says stop (or the timeout passes). */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, pick: (data: any) => T) {
  const values: T[] = [];
  const errors: unknown[] = [];
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const iterator = client.iterate({ query, variables });
  let stopped = false;
  const done = (async () => {
    resolveReady();
    try {
      for await (const result of iterator) {
        if (result.errors) errors.push(result.errors);
        else values.push(pick(result.data));
        if (stopped) break;
      }
    } catch (err) {
      errors.push(err);
    }
  })();
  return {
    values,
    errors,
    ready,
    async stop() {
      stopped = true;
      await iterator.return?.();
      await done;
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A tiny, fast config for service tests. */
export const TINY = { hidden: [16], epochs: 2, batchSize: 256, optimizer: 'adam', lr: 0.01, backend: 'cpu', robustness: { sigmas: [0, 0.2], clip: true } };
