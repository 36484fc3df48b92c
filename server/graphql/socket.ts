/**
 * GraphQL over WebSocket (graphql-ws) with the same guarantees as HTTP. The upgrade itself is checked
 * in server/app.ts (Host, Origin); here:
 *  - onConnect authenticates: a token in connection_init ({ authorization: "Bearer …" }), else the
 *    session cookie the browser sent with the upgrade; nobody (and no ANONYMOUS_ROLE) → closed 4403;
 *  - the socket carries subscriptions only (queries and mutations go over HTTP, where CSRF prevention,
 *    the heavy-operation gate and the HTTP limits apply);
 *  - every operation re-checks that token or session, is parsed with armor's token limit and
 *    validated with the same rules as HTTP, and refuses introspection to anonymous callers;
 *  - subscriptions already running stop too when their credential does: every open socket re-checks
 *    it when a token is revoked, an account changed or a session ended on this server, and every
 *    SOCKET_AUTH_RECHECK_MS (30 s: expiry, and changes made on another replica); a socket whose
 *    credential is refused is closed with 4403, like a refused connection (not while the database
 *    is down: then no verdict can be trusted);
 *  - at most 50 operations per socket and 200 per user at once (TOO_MANY_SUBSCRIPTIONS), and at most
 *    MAX_SOCKETS_PER_USER (100) open sockets per user, idle or not (closed with 4429);
 *  - every subscription document is weighed at subscribe time (subscriptionWeight.ts: heavy fields
 *    refused, each push at most MAX_PUSH_BYTES, a user's subscriptions together at most
 *    MAX_PUSH_BYTES_PER_USER per event), and every push is measured before it is sent;
 *  - errors in results are masked as over HTTP (request id, detail in the server log).
 * The policy table (role, ownership, input strings, audit) applies inside execution, as over HTTP.
 */
import type http from 'node:http';
import { fromNodeHeaders } from 'better-auth/node';
import { getOperationAST, GraphQLError, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql/index.js';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { Access } from '../auth/access';
import { bearerToken } from '../auth/auth';
import { introspectionRefusal } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { isLocalRequest } from '../auth/setup';
import type { GraphQLContext, RequestInfo } from './context';
import { maskResult, newRequestId } from './errorMasking';
import { MAX_PUSH_BYTES, MAX_QUERY_LENGTH, parseLimited, socketValidationRules } from './limits';
import { pushTooLarge, subscriptionRefusal } from './subscriptionWeight';

export const MAX_OPERATIONS_PER_SOCKET = Number(process.env.MAX_SUBSCRIPTIONS_PER_SOCKET ?? 50);
export const MAX_OPERATIONS_PER_USER = Number(process.env.MAX_SUBSCRIPTIONS_PER_USER ?? 200);
export const MAX_SOCKETS_PER_USER = Math.max(1, Number(process.env.MAX_SOCKETS_PER_USER) || 100);
// At least a second: a value that is not a number would otherwise make the timer fire every millisecond.
const AUTH_RECHECK_MS = Math.max(1000, Number(process.env.SOCKET_AUTH_RECHECK_MS) || 30_000);

interface SocketState {
  principal: Principal;
  /** The credential to re-check on every operation. */
  token: string | null;
  headers: Headers;
  closed: AbortController;
  /** graphql-ws's own record of this socket's operations in flight (id → iterator). */
  operations: Record<string, unknown>;
  /** Estimated bytes per push of each subscription (weight.ts), by operation id. */
  weights: Map<string, number>;
  request: http.IncomingMessage;
  close: (code: number, reason: string) => void;
}

type Extra = { request: http.IncomingMessage; state?: SocketState };

const CREDENTIAL_ENDED = 'Forbidden: your session or token is no longer valid; sign in again';

const tooMany = (message: string) => [new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];

export interface SocketOptions {
  schema: GraphQLSchema;
  access: Access;
  clientAddress: (req: http.IncomingMessage) => string | null;
  context: (request: RequestInfo) => GraphQLContext;
}

export function serveGraphQLOverSocket(wss: WebSocketServer, { schema, access, clientAddress, context }: SocketOptions) {
  /** Sockets per user (or per address, for anonymous viewers), for the per-user cap. */
  const socketsOf = new Map<string, Set<SocketState>>();
  const userKey = (s: SocketState) => s.principal.userId ?? `anonymous@${s.principal.address}`;

  const authenticate = async (headers: Headers, token: string | null, req: http.IncomingMessage): Promise<Principal> => {
    const principal = await access.authenticator.fromHeaders(headers, clientAddress(req), token);
    return { ...principal, local: isLocalRequest(req.socket.remoteAddress, headers) };
  };

  /** Closes the socket if its credential no longer stands for the same user with a role. */
  const recheck = async (state: SocketState) => {
    const principal = await authenticate(state.headers, state.token, state.request).catch(() => null);
    if (!principal?.role || principal.userId !== state.principal.userId) state.close(4403, CREDENTIAL_ENDED);
  };
  const recheckAll = async () => {
    if (!socketsOf.size) return;
    // A database that does not answer cannot tell a revoked credential from a good one (both come back
    // as "not accepted"): keep the sockets until it answers again rather than close every one.
    if (!(await access.pool.query('SELECT 1').then(() => true, () => false))) return;
    for (const sockets of socketsOf.values()) for (const state of sockets) void recheck(state);
  };
  const stopListening = access.authenticator.onChange(() => void recheckAll());
  const recheckTimer = setInterval(() => void recheckAll(), AUTH_RECHECK_MS).unref();

  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = (params.authorization ?? params.Authorization ?? params.token) as unknown;
        const token = typeof raw === 'string' ? (bearerToken(raw) ?? raw.trim()) || null : null;
        const headers = fromNodeHeaders(ctx.extra.request.headers);
        let principal: Principal;
        try {
          principal = await authenticate(headers, token, ctx.extra.request);
        } catch {
          return false; // a bad token: 4403 Forbidden
        }
        if (!principal.role) return false;
        const socket = (ctx.extra as Extra & { socket: { close: (code: number, reason: string) => void } }).socket;
        const open = socketsOf.get(principal.userId ?? `anonymous@${principal.address}`)?.size ?? 0;
        if (open >= MAX_SOCKETS_PER_USER) {
          // Idle sockets cost memory and a file descriptor each: 800 from one account were accepted (issue 24).
          socket.close(4429, `At most ${MAX_SOCKETS_PER_USER} open connections per user (MAX_SOCKETS_PER_USER); close some`);
          return false;
        }
        const state: SocketState = {
          principal,
          token,
          headers,
          closed: new AbortController(),
          operations: ctx.subscriptions,
          weights: new Map(),
          request: ctx.extra.request,
          close: (code, reason) => socket.close(code, reason),
        };
        ctx.extra.state = state;
        const key = userKey(state);
        if (!socketsOf.has(key)) socketsOf.set(key, new Set());
        socketsOf.get(key)!.add(state);
        return true;
      },
      onClose: (ctx) => {
        const state = ctx.extra.state;
        if (!state) return;
        state.closed.abort();
        const set = socketsOf.get(userKey(state));
        set?.delete(state);
        if (set && !set.size) socketsOf.delete(userKey(state));
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const state = ctx.extra.state!;
        const requestId = newRequestId();
        // graphql-ws has already entered this operation in ctx.subscriptions.
        const onSocket = Object.keys(state.operations).length;
        if (onSocket > MAX_OPERATIONS_PER_SOCKET) return tooMany(`At most ${MAX_OPERATIONS_PER_SOCKET} subscriptions per connection; complete some first`);
        let forUser = 0;
        for (const s of socketsOf.get(userKey(state)) ?? []) forUser += Object.keys(s.operations).length;
        if (forUser > MAX_OPERATIONS_PER_USER) return tooMany(`At most ${MAX_OPERATIONS_PER_USER} subscriptions per user across connections; close some first`);
        if (payload.query.length > MAX_QUERY_LENGTH) return [new GraphQLError(`Query longer than ${MAX_QUERY_LENGTH} characters`, { extensions: { code: 'BAD_REQUEST' } })];
        // The credential may have been revoked (or the account disabled) since the socket opened.
        let principal: Principal;
        try {
          principal = await authenticate(state.headers, state.token, ctx.extra.request);
        } catch (err) {
          return [err as GraphQLError];
        }
        if (!principal.role) return [new GraphQLError('Your session has ended; sign in again', { extensions: { code: 'UNAUTHENTICATED' } })];
        let document;
        try {
          document = parseLimited(payload.query);
        } catch (err) {
          return [new GraphQLError((err as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, socketValidationRules);
        if (errors.length) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        const refusal = introspectionRefusal(document, principal);
        if (refusal) return [refusal];
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify the operation', { extensions: { code: 'BAD_REQUEST' } })];
        if (operation.operation !== 'subscription') {
          return [new GraphQLError(`The socket carries subscriptions only; send ${operation.operation === 'query' ? 'queries' : 'mutations'} as HTTP POST to /graphql`, { extensions: { code: 'BAD_REQUEST' } })];
        }
        // Every event pushes the whole selection to every subscriber: bounded per push and per user.
        let others = 0;
        for (const s of socketsOf.get(userKey(state)) ?? []) for (const [opId, bytes] of s.weights) if (opId in s.operations && !(s === state && opId === id)) others += bytes;
        const weighed = subscriptionRefusal(schema, document, payload.variables, others);
        if (weighed instanceof GraphQLError) return [weighed];
        state.weights.set(id, weighed);
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: context({ principal, access, requestId, signal: state.closed.signal }),
        };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        const masked = maskResult(result, (args.contextValue as GraphQLContext).requestId);
        const bytes = Buffer.byteLength(JSON.stringify(masked));
        // The estimate bounds what subscribe lets in; long strings could still exceed it: nothing over the cap is pushed.
        return (bytes > MAX_PUSH_BYTES ? { errors: [pushTooLarge(bytes)] } : masked) as never;
      },
      onComplete: (ctx, id) => void ctx.extra.state?.weights.delete(id),
    },
    wss,
  );
  return {
    dispose: async () => {
      clearInterval(recheckTimer);
      stopListening();
      await server.dispose();
    },
  };
}
