/**
 * The run service in one process and one port: Next.js pages (optional), GraphQL over HTTP (Apollo
 * Server) and over WebSocket (graphql-ws) at /graphql, sign-in at /api/auth, the LISTEN connection
 * feeding subscriptions, the stale-run reaper and, in the embedded default, the database and the
 * trainer worker processes. Every request first passes the Host check (DNS rebinding) and gets the
 * security headers; WebSocket upgrades also pass the Origin check (cross-site WebSocket hijacking).
 * `startRunService` is what server/main.ts, the tests and the benchmark start; `close()` shuts it all
 * down in order (WebSocket clients, HTTP, workers, event bus, Prisma, database).
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLSchema } from 'graphql/index.js';
import { WebSocketServer } from 'ws';
import { createAccess } from './auth/access';
import { introspectionRefusal } from './auth/policy';
import { createDb } from './db/client';
import { openHealingDatabase, type HealingDatabase } from './db/healing';
import { RunEvents } from './events';
import { HealthCheck } from './health';
import { createContext, type GraphQLContext, type RequestInfo } from './graphql/context';
import { errorMaskingPlugin } from './graphql/errorMasking';
import { HeavyGate, isHeavy } from './graphql/heavyGate';
import { createPageApi, publishPageApi } from './graphql/pageApi';
import { apolloArmor, costRefusal, MAX_QUERY_LENGTH } from './graphql/limits';
import { buildSchema } from './graphql/schema';
import { serveGraphQLOverSocket } from './graphql/socket';
import { authRoutes, pageRedirect } from './http/authRoutes';
import { graphqlHttpHandler } from './http/graphqlHttp';
import { setSecurityHeaders } from './http/headers';
import { hostAllowed, hostPolicyFromEnv, listenUrls, originAllowed } from './http/hosts';
import { clientAddress } from './http/request';
import { DEFAULT_STALE_SECONDS, reapStaleRuns } from './runs/reaper';
import { backfillConfigIdentity } from './runs/configIdentity';
import { handBackRunsOfDeadLocalWorkers } from './runs/handBack';
import { WorkerSupervisor } from './worker/supervisor';
import { threadPolicyFromEnv } from './worker/threadBudget';

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

/** Longest a single SQL statement of the API may run (STATEMENT_TIMEOUT_MS); the client gets an error. */
export const STATEMENT_TIMEOUT_MS = Number(process.env.STATEMENT_TIMEOUT_MS ?? 5000);

export interface RunService {
  url: string;
  port: number;
  /** Every address:port the server really listens on (all interfaces for 0.0.0.0). */
  urls: string[];
  /** Printed in the log while no user exists; lets /setup work from another machine. */
  setupCode: string | null;
  /** Accounts, sessions, tokens and quotas (tests and tools create users through it). */
  access: import('./auth/access').Access;
  databaseUrl: string;
  supervisor: WorkerSupervisor | null;
  close(): Promise<void>;
}

export async function startRunService(options: RunServiceOptions = {}): Promise<RunService> {
  const workerCount = options.workers ?? (process.env.WORKERS !== undefined ? Number(process.env.WORKERS) : 1);
  // Workers would die at start on a bad WORKER_THREADS, over and over: refuse it here, with one line.
  if (workerCount > 0) threadPolicyFromEnv({ ...process.env, ...options.workerEnv });
  const db: HealingDatabase = await openHealingDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
  const { prisma, pool, close: closeDb } = createDb(db.url, { max: 20, statementTimeoutMs: STATEMENT_TIMEOUT_MS });
  const access = await createAccess(pool);
  const hosts = hostPolicyFromEnv();
  // Runs stored before migration 0007 get their config identity (exact preset or modified) once.
  const identified = await backfillConfigIdentity(pool);
  if (identified) console.log(`[server] ${identified} earlier run(s) compared with their presets (exact or modified)`);
  if (db.embedded) {
    const waiting = await handBackRunsOfDeadLocalWorkers(prisma, os.hostname());
    if (waiting.length) console.log(`[server] ${waiting.length} run(s) whose worker stopped with the previous server will resume from their last checkpoint`);
  }
  const events = new RunEvents(db.url);
  await events.start();

  const supervisor = workerCount > 0 ? new WorkerSupervisor({ url: db.url, count: workerCount, prisma, env: options.workerEnv, quiet: options.quietWorkers }) : null;
  const context = (request: RequestInfo): GraphQLContext => createContext(prisma, events, pool, request);
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
  const armor = apolloArmor();
  const heavyGate = new HeavyGate();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    validationRules: armor.validationRules,
    // Open to signed-in users only: the plugin below refuses __schema/__type to anonymous callers.
    introspection: true,
    // We own shutdown (server/main.ts): Apollo's own SIGTERM handler would race it and hang stop().
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Cache control would wrap every field resolver; we set no cache hints.
      ApolloServerPluginCacheControlDisabled(),
      ...armor.plugins,
      errorMaskingPlugin(),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ document, contextValue, request }) {
              const refusal = introspectionRefusal(document, contextValue.principal) ?? costRefusal(schema, document, request.variables);
              if (refusal) throw refusal;
              if (isHeavy(schema, document, request.variables)) contextValue.releaseHeavySlot = await heavyGate.acquire();
            },
            async willSendResponse({ contextValue }) {
              contextValue.releaseHeavySlot?.();
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  // Server components render in this process and read through the same schema (server/graphql/pageApi.ts).
  if (serveUi) publishPageApi(createPageApi({ schema, access, context, heavyGate }));
  const graphqlHttp = graphqlHttpHandler(apollo, access, context);
  const secure = !!process.env.PUBLIC_URL?.startsWith('https://');
  const auth = authRoutes(access, hosts, secure);

  httpServer.on('request', async (req, res) => {
    setSecurityHeaders(req, res);
    if (!hostAllowed(hosts, req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end(`Host "${req.headers.host ?? ''}" is not one this server answers to; add it to ALLOWED_HOSTS`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' || url.pathname === '/readyz') return void (await health.handle(url.pathname, res));
    if (url.pathname === '/graphql') return graphqlHttp(req, res, url);
    if (url.pathname.startsWith('/api/auth/')) return auth(req, res, url);
    if (!nextHandler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found (the dashboard is not served: SERVE_UI=0)');
      return;
    }
    try {
      const to = await pageRedirect(access, req, url);
      if (to) {
        res.writeHead(303, { location: to, 'cache-control': 'no-store' }).end();
        return;
      }
    } catch (err) {
      console.error(`[server] page check failed for ${url.pathname}: ${(err as Error).message}`);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The dashboard cannot check your session right now; try again shortly');
      return;
    }
    return nextHandler(req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_QUERY_LENGTH * 4 });
  const wsServer = serveGraphQLOverSocket(wss, { schema, access, clientAddress: (req) => clientAddress(req), context });
  const refuseUpgrade = (socket: import('node:stream').Duplex, status: string, message: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
  };
  httpServer.on('upgrade', (req, socket, head) => {
    if (!hostAllowed(hosts, req.headers.host)) return refuseUpgrade(socket, '421 Misdirected Request', 'Host not allowed; see ALLOWED_HOSTS');
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/graphql') {
      if (!originAllowed(hosts, req.headers.origin, req.headers.host, secure)) {
        return refuseUpgrade(socket, '403 Forbidden', `WebSocket from origin ${req.headers.origin} refused; the dashboard's own origin and ALLOWED_ORIGINS may connect`);
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } else if (nextUpgrade) nextUpgrade(req, socket, head);
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
  const { port: actualPort, address } = httpServer.address() as import('node:net').AddressInfo;
  supervisor?.start();
  const setupCode = (await access.setup.needed()) ? access.setup.code : null;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address}:${actualPort}`,
    port: actualPort,
    urls: listenUrls(address, actualPort),
    setupCode,
    access,
    databaseUrl: db.url,
    supervisor,
    close() {
      closing ??= (async () => {
        clearInterval(reaper);
        await wsServer.dispose();
        wss.close();
        await apollo.stop(); // drains and closes the HTTP server
        await nextApp?.close?.().catch(() => {});
        if (serveUi) publishPageApi(null);
        await supervisor?.stop();
        await events.close();
        await closeDb();
        await db.close();
      })();
      return closing;
    },
  };
}
