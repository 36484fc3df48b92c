/**
 * The run service in one process and one port: Next.js pages (optional), GraphQL over HTTP (Apollo
 * Server) and over WebSocket (graphql-ws) at /graphql, the LISTEN connection feeding subscriptions, the
 * stale-run reaper and, in the embedded default, the database and the trainer worker processes.
 * `startRunService` is what server/main.ts, the tests and the benchmark start; `close()` shuts it all
 * down in order (WebSocket clients, HTTP, workers, event bus, Prisma, database).
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, validate, type GraphQLSchema } from 'graphql/index.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createDb } from './db/client';
import { openHealingDatabase, type HealingDatabase } from './db/healing';
import { RunEvents } from './events';
import { HealthCheck } from './health';
import { createContext, type GraphQLContext } from './graphql/context';
import { allValidationRules, buildSchema, MAX_QUERY_LENGTH, validationRules } from './graphql/schema';
import { DEFAULT_STALE_SECONDS, reapStaleRuns } from './runs/reaper';
import { handBackRunsOfDeadLocalWorkers } from './runs/handBack';
import { WorkerSupervisor } from './worker/supervisor';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunServiceOptions {
  port?: number;
  host?: string;
  /** External PostgreSQL; default DATABASE_URL, else embedded. */
  databaseUrl?: string;
  /** Embedded data folder (default .data/postgres). */
  dataDir?: string;
  /** Trainer worker processes to start (default WORKERS or 1). 0 when workers run elsewhere. */
  workers?: number;
  /** Serve the Next.js dashboard (default: SERVE_UI !== '0'). Needs `next build` first. */
  serveUi?: boolean;
  staleSeconds?: number;
  /** Extra environment for worker processes. */
  workerEnv?: NodeJS.ProcessEnv;
  quietWorkers?: boolean;
}

export interface RunService {
  url: string;
  port: number;
  databaseUrl: string;
  supervisor: WorkerSupervisor | null;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage, limit = 1_000_000): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startRunService(options: RunServiceOptions = {}): Promise<RunService> {
  const db: HealingDatabase = await openHealingDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
  const { prisma, pool, close: closeDb } = createDb(db.url, { max: 20 });
  if (db.embedded) {
    const waiting = await handBackRunsOfDeadLocalWorkers(prisma, os.hostname());
    if (waiting.length) console.log(`[server] ${waiting.length} run(s) whose worker stopped with the previous server will resume from their last checkpoint`);
  }
  const events = new RunEvents(db.url);
  await events.start();

  const workerCount = options.workers ?? (process.env.WORKERS !== undefined ? Number(process.env.WORKERS) : 1);
  const supervisor = workerCount > 0 ? new WorkerSupervisor({ url: db.url, count: workerCount, prisma, env: options.workerEnv, quiet: options.quietWorkers }) : null;
  const context = (): GraphQLContext => createContext(prisma, events, pool);
  const health = new HealthCheck({ pool, database: db, supervisor, staleSeconds: options.staleSeconds ?? DEFAULT_STALE_SECONDS });

  const serveUi = options.serveUi ?? process.env.SERVE_UI !== '0';
  type Upgrade = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void;
  let nextHandler = null as http.RequestListener | null;
  let nextUpgrade = null as Upgrade | null;
  let nextApp = null as { close?: () => Promise<void> } | null;
  if (serveUi) {
    const { default: next } = await import('next');
    const app = next({ dev: false, dir: PROJECT_ROOT });
    await app.prepare();
    nextHandler = app.getRequestHandler() as unknown as http.RequestListener;
    nextUpgrade = app.getUpgradeHandler() as never;
    nextApp = app as never;
  }

  const schema: GraphQLSchema = buildSchema();
  const httpServer = http.createServer();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    validationRules,
    introspection: true,
    // We own shutdown (server/main.ts): Apollo's own SIGTERM handler would race it and hang stop().
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: process.env.GRAPHQL_STACKTRACES === '1',
    // Cache control would wrap every field resolver; we set no cache hints.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();

  httpServer.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' || url.pathname === '/readyz') return void (await health.handle(url.pathname, res));
    if (url.pathname !== '/graphql') {
      if (nextHandler) return nextHandler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found (the dashboard is not served: SERVE_UI=0)');
      return;
    }
    try {
      const raw = req.method === 'POST' ? await readBody(req) : '';
      if (raw.length > MAX_QUERY_LENGTH * 4) throw Object.assign(new Error('request too large'), { status: 413 });
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let body: unknown = raw;
      if (raw && (headers.get('content-type') ?? '').includes('application/json')) body = JSON.parse(raw);
      const query = req.method === 'POST' ? (body as { query?: unknown })?.query : url.searchParams.get('query');
      if (typeof query === 'string' && query.length > MAX_QUERY_LENGTH) {
        throw Object.assign(new Error(`Query longer than ${MAX_QUERY_LENGTH} characters`), { status: 413 });
      }
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context(),
      });
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') res.end(result.body.string);
      else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: (err as Error).message }] }));
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_QUERY_LENGTH * 4 });
  const wsServer = useServer(
    {
      schema,
      context: () => context(),
      validate: (s, doc) => validate(s, doc, allValidationRules),
      onSubscribe: (_ctx, _id, payload) => {
        if (payload.query.length > MAX_QUERY_LENGTH) return [new GraphQLError(`Query longer than ${MAX_QUERY_LENGTH} characters`)];
        return undefined;
      },
    },
    wss,
  );
  httpServer.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/graphql') wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    else if (nextUpgrade) nextUpgrade(req, socket, head);
    else socket.destroy();
  });

  const staleSeconds = options.staleSeconds ?? DEFAULT_STALE_SECONDS;
  const reaper = setInterval(() => void reapStaleRuns(prisma, staleSeconds).catch(() => {}), Math.max(1000, Math.min(5000, (staleSeconds * 1000) / 3)));
  reaper.unref();

  const host = options.host ?? process.env.HOST ?? '0.0.0.0';
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actualPort = (httpServer.address() as import('node:net').AddressInfo).port;
  supervisor?.start();

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    databaseUrl: db.url,
    supervisor,
    close() {
      closing ??= (async () => {
        clearInterval(reaper);
        await wsServer.dispose();
        wss.close();
        await apollo.stop(); // drains and closes the HTTP server
        await nextApp?.close?.().catch(() => {});
        await supervisor?.stop();
        await events.close();
        await closeDb();
        await db.close();
      })();
      return closing;
    },
  };
}
