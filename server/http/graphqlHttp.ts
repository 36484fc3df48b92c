/**
 * POST/GET /graphql over HTTP: reads the body (1 MB, 20,000-character documents), finds the caller
 * (server/auth/principal.ts; a bad token is refused here with 401), and hands the request to Apollo
 * Server with a context carrying the principal, a request id (sent back as X-Request-Id) and an abort
 * signal that fires when the client disconnects, so a long list query is cancelled in PostgreSQL. An
 * answer over MAX_RESPONSE_BYTES is not sent (413, saying what to ask for instead).
 */
import type http from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { fromNodeHeaders } from 'better-auth/node';
import type { GraphQLError } from 'graphql/index.js';
import type { Access } from '../auth/access';
import { isLocalRequest } from '../auth/setup';
import type { GraphQLContext, RequestInfo } from '../graphql/context';
import { newRequestId } from '../graphql/errorMasking';
import { MAX_QUERY_LENGTH, MAX_RESPONSE_BYTES, parseLimited } from '../graphql/limits';
import { clientAddress, readBody, sendJson } from './request';

const tooLarge = (bytes: number) =>
  `The answer weighs ${(bytes / 2 ** 20).toFixed(1)} MB, more than the ${MAX_RESPONSE_BYTES / 2 ** 20} MB one response may carry (MAX_RESPONSE_MB): ask for fewer runs, smaller pages or fewer fields`;

export function graphqlHttpHandler(apollo: ApolloServer<GraphQLContext>, access: Access, context: (r: RequestInfo) => GraphQLContext) {
  return async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const requestId = newRequestId();
    res.setHeader('X-Request-Id', requestId);
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    try {
      const raw = req.method === 'POST' ? await readBody(req) : '';
      if (raw.length > MAX_QUERY_LENGTH * 4) throw Object.assign(new Error('request too large'), { status: 413 });
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let body: unknown = raw;
      if (raw && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw Object.assign(new Error('The request body is not valid JSON'), { status: 400 });
        }
      }
      const query = req.method === 'POST' ? (body as { query?: unknown })?.query : url.searchParams.get('query');
      if (typeof query === 'string' && query.length > MAX_QUERY_LENGTH) {
        throw Object.assign(new Error(`Query longer than ${MAX_QUERY_LENGTH} characters`), { status: 413 });
      }
      if (typeof query === 'string') {
        try {
          parseLimited(query); // armor's token limit, before any other work
        } catch (err) {
          sendJson(res, 400, { errors: [{ message: (err as Error).message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
          return;
        }
      }
      const webHeaders = fromNodeHeaders(req.headers);
      let principal;
      try {
        principal = await access.authenticator.fromHeaders(webHeaders, clientAddress(req));
      } catch (err) {
        const e = err as GraphQLError;
        if (e.extensions?.code === 'SERVICE_UNAVAILABLE') sendJson(res, 503, { errors: [{ message: e.message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] }, { 'retry-after': '2' });
        else sendJson(res, 401, { errors: [{ message: e.message, extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer' });
        return;
      }
      principal.local = isLocalRequest(req.socket.remoteAddress, webHeaders);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context({ principal, access, requestId, signal: aborted.signal }),
      });
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete' && Buffer.byteLength(result.body.string) > MAX_RESPONSE_BYTES) {
        // The estimate (limits.ts) bounds what is built; long strings can still exceed it, and nothing over the cap is sent.
        sendJson(res, 413, { errors: [{ message: tooLarge(Buffer.byteLength(result.body.string)), extensions: { code: 'RESPONSE_TOO_LARGE', limit: 'MAX_RESPONSE_MB', requestId } }] });
        return;
      }
      if (result.body.kind === 'complete') res.end(result.body.string);
      else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (!status) console.error(`[graphql] request ${requestId}: ${(err as Error).stack}`);
      const message = status ? (err as Error).message : `Internal error (request id ${requestId})`;
      if (!res.headersSent) sendJson(res, status ?? 500, { errors: [{ message, extensions: { code: status ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR', requestId } }] });
      else res.end();
    }
  };
}
