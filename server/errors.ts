/**
 * The errors a client may see, each with a code the dashboard and scripts can act on. Anything else a
 * resolver throws is a bug or an outage: server/graphql/errorMasking.ts replaces it with a generic
 * message and a request id, and logs the detail.
 */
import { GraphQLError } from 'graphql/index.js';

export interface FieldIssue {
  field: string;
  message: string;
}

/** The caller's mistake, naming the field(s): BAD_USER_INPUT with `extensions.issues`. */
export function inputError(message: string, issues: FieldIssue[] = []): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', issues } });
}

export const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
export const notFound = (message: string) => new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
/** A quota refused the request; the message names the limit and how to raise it. */
export const quotaExceeded = (message: string, limit: string) => new GraphQLError(message, { extensions: { code: 'QUOTA_EXCEEDED', limit } });

/** Codes whose message is meant for the client and passes unmasked. */
export const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'QUOTA_EXCEEDED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'TOO_MANY_SUBSCRIPTIONS',
  // The dataset files a run was evaluated on cannot be read here now (server/examples/datasetImages.ts).
  'DATASET_UNAVAILABLE',
]);
