/**
 * What a client learns from an error. Mistakes the client can fix (bad input naming the field, not
 * signed in, not allowed, not found, over a quota, an invalid document) pass with their message;
 * anything else (a bug, the database down, a timeout) is replaced by a generic message with a request
 * id, and the full error goes to the server log under that id. So no SQL, file path or database
 * address ever reaches a client.
 */
import crypto from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql/index.js';
import { CLIENT_CODES } from '../errors';

export const newRequestId = () => crypto.randomBytes(6).toString('hex');

const codeOf = (e: { extensions?: Record<string, unknown> }) => (e.extensions?.code as string | undefined) ?? null;

export const isClientError = (e: { extensions?: Record<string, unknown> }) => CLIENT_CODES.has(codeOf(e) ?? '');

export function logServerError(requestId: string, err: unknown, where: string): void {
  const e = err as GraphQLError;
  const original = (e?.originalError ?? e) as Error;
  console.error(`[graphql] request ${requestId} ${where}${e?.path ? ` at ${e.path.join('.')}` : ''}: ${original?.stack ?? String(original)}`);
}

export function maskFormatted(e: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  if (isClientError(e)) {
    const { stacktrace: _s, exception: _e, ...extensions } = (e.extensions ?? {}) as Record<string, unknown>;
    return { ...e, extensions };
  }
  return {
    message: `Internal error (request id ${requestId}); the server log has the details`,
    ...(e.path ? { path: e.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}

/** Apollo (HTTP): logs every non-client error with the request id, then masks the response. */
export function errorMaskingPlugin(): ApolloServerPlugin<{ requestId: string }> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didEncounterErrors({ errors }) {
          for (const e of errors) if (!isClientError(e)) logServerError(contextValue.requestId, e, 'failed');
        },
        async willSendResponse({ response }) {
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            const errors = response.body.singleResult.errors;
            // A refused document (e.g. armor's token limit, thrown while parsing) is the client's doing: 400, not 500.
            if (!response.body.singleResult.data && errors.every(isClientError) && (response.http.status ?? 200) >= 500) response.http.status = 400;
            response.body.singleResult.errors = errors.map((e) => maskFormatted(e, contextValue.requestId));
          }
        },
      };
    },
  };
}

/** graphql-ws: the same for each result sent over the socket. */
export function maskResult(result: ExecutionResult, requestId: string): ExecutionResult {
  if (!result.errors?.length) return result;
  for (const e of result.errors) if (!isClientError(e)) logServerError(requestId, e, 'failed (socket)');
  return { ...result, errors: result.errors.map((e) => maskFormatted(e.toJSON ? e.toJSON() : (e as GraphQLFormattedError), requestId)) as never };
}
