/**
 * Test harness for the run service: each test file gets its own embedded PostgreSQL in a temp folder on
 * a free port (never a fixed one), a server without the Next.js UI on a free port, and helpers for
 * GraphQL over HTTP and graphql-ws. `gql` and `ws` act as an admin (an account and API token made at
 * start), so tests about runs need not care about sign-in; `createUser(role)` gives other users with
 * their own token, and `gqlAs(null, …)` / `wsAs(null)` ask anonymously.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';
import { startRunService, type RunService, type RunServiceOptions } from '../../server/app';
import { createToken, createUser, findUserByEmail } from '../../server/auth/users';
import type { Role } from '../../server/auth/roles';

export type GqlResult<T = any> = { data?: T; errors?: { message: string; extensions?: any }[] };

export interface TestUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  token: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  ws(): Client;
}

export interface TestService extends RunService {
  tmp: string;
  /** The admin every plain `gql`/`ws` call acts as. */
  admin: TestUser;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  ws(): Client;
  /** GraphQL as the holder of `token` (null: anonymous). */
  gqlAs<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  wsAs(token: string | null, options?: Partial<ClientOptions>): Client;
  createUser(role: Role, name?: string): Promise<TestUser>;
  stopAll(): Promise<void>;
}

/** `admin: false` leaves the database without users (the first-admin page's state); `gql` then asks anonymously. */
export async function startTestService(options: RunServiceOptions = {}, { admin: withAdmin = true } = {}): Promise<TestService> {
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
  const gqlAs = async (token: string | null, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };
  const wsAs = (token: string | null, options: Partial<ClientOptions> = {}) => {
    const client = createClient({
      url: `${service.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
      // A refused connection reaches the test through its subscriptions; no need to print it as well.
      onNonLazyError: () => {},
      ...options,
    });
    clients.push(client);
    return client;
  };
  let made = 0;
  const makeUser = async (role: Role, name?: string): Promise<TestUser> => {
    made += 1;
    const email = `${role}${made}@test.example`;
    // A service restarted on the same data (restart tests) finds its users from before.
    const user = (await findUserByEmail(service.access.pool, email)) ?? (await createUser(service.access.auth, service.access.pool, { email, name: name ?? `${role[0].toUpperCase()}${role.slice(1)} ${made}`, role })).user;
    const { token } = await createToken(service.access.auth, service.access.pool, user.id, 'test');
    return { id: user.id, name: user.name, email, role, token, gql: (q, v) => gqlAs(token, q, v), ws: () => wsAs(token) };
  };
  const admin = withAdmin ? await makeUser('admin', 'Test Admin') : null;
  return {
    ...service,
    tmp,
    admin: admin!,
    gql: (query, variables) => gqlAs(admin?.token ?? null, query, variables),
    ws: () => wsAs(admin?.token ?? null),
    gqlAs,
    wsAs,
    createUser: makeUser,
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
