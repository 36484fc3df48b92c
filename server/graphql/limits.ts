/**
 * Limits on what one GraphQL document may ask for, from graphql-armor (a maintained set of protections)
 * rather than hand-written rules: tokens (checked while parsing, before any work), aliases, depth,
 * directives, plus the removal of "Did you mean …" field suggestions. Tuned so
 * every document the dashboard sends passes (test/server/limits.test.ts checks each one in
 * app/_lib/queries.ts) while the amplification attacks of issue 9 (133 aliased list queries, deep or
 * directive-stuffed documents) are refused at validation, before a resolver runs. The same rules apply
 * over HTTP (Apollo plugins) and WebSocket (server/graphql/socket.ts). On top, the answer's weight in
 * bytes (weight.ts) is bounded: MAX_RESPONSE_BYTES per response, MAX_PUSH_BYTES per subscription event.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, specifiedRules, type DocumentNode, type GraphQLSchema } from 'graphql/index.js';
import type { GraphQLArmorConfig } from '@escape.tech/graphql-armor-types';
import { FragmentBudgetExceeded } from './inlineFragments';
import { weighDocument } from './weight';

export const MAX_QUERY_LENGTH = 20_000;
export const MAX_TOKENS = 2_000;
/** The dashboard sends no aliases; a few leave scripts room while bounding repeated list fields. */
export const MAX_ALIASES = 4;
export const MAX_DEPTH = 8;
export const MAX_DIRECTIVES = 10;

export const ARMOR_CONFIG: GraphQLArmorConfig = {
  maxTokens: { n: MAX_TOKENS },
  maxAliases: { n: MAX_ALIASES, allowList: [] },
  // Fragments count as if their fields were written in place: the same fields, the same depth.
  maxDepth: { n: MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true },
  maxDirectives: { n: MAX_DIRECTIVES },
  // armor's cost rule multiplies only by page sizes written in the document and weighs an image like an
  // integer: costRefusal (below) applies weight.ts's estimate instead, HTTP, WebSocket and the page API alike.
  costLimit: { enabled: false },
  blockFieldSuggestion: { enabled: true },
};

/**
 * Apollo Server's share: validation rules and the suggestion masking. The token limit is not taken
 * from armor's Apollo plugin (it throws while Apollo parses, which Apollo answers with HTTP 500):
 * server/http/graphqlHttp.ts checks it with armor's parser before Apollo sees the request (400).
 */
export function apolloArmor() {
  return new ApolloArmor({ ...structuredClone(ARMOR_CONFIG), maxTokens: { enabled: false } }).protect();
}

const armorRules = apolloArmor().validationRules;
/** graphql-js's own rules plus armor's, for documents that arrive over the WebSocket. */
export const socketValidationRules = [...specifiedRules, ...armorRules];

/** Parses with armor's token-counting parser (the socket path; Apollo does the same through its plugin). */
export function parseLimited(query: string): DocumentNode {
  return new MaxTokensParserWLexer(query, { n: MAX_TOKENS }).parseDocument();
}

const MB = 2 ** 20;
/**
 * The most bytes one HTTP answer may carry, estimated before execution (weight.ts) and measured after
 * (server/http/graphqlHttp.ts). The dashboard's heaviest document, compare of 50 runs whose 1,000
 * epochs each are all on the page, weighs about 14 MB at most.
 */
export const MAX_RESPONSE_BYTES = Math.max(1, Number(process.env.MAX_RESPONSE_MB) || 16) * MB;
/**
 * The most bytes one subscription event may carry per subscriber, estimated at subscribe time and
 * measured per push (socket.ts); heavy fields are fetched by a query when a push says something changed.
 */
export const MAX_PUSH_BYTES = Math.max(1, Number(process.env.MAX_PUSH_KB) || 64) * 1024;

const mb = (bytes: number) => `${(bytes / MB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;

/**
 * Refuses, before execution, a document whose answer could weigh more than MAX_RESPONSE_BYTES, with
 * every list counted at its real multiplicity (page sizes written, in variables, in variable defaults
 * or the schema's defaults; id lists by length; fragments written out): weight.ts. The same document
 * costs the same however its page sizes are given.
 */
export function costRefusal(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined, limit = MAX_RESPONSE_BYTES): GraphQLError | null {
  const refuse = (message: string, extensions: Record<string, unknown> = {}) =>
    new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 }, ...extensions } });
  let bytes: number;
  try {
    bytes = weighDocument(schema, document, variables).bytes;
  } catch (err) {
    if (err instanceof FragmentBudgetExceeded) return refuse(`Syntax Error: ${err.message}.`);
    throw err;
  }
  if (bytes <= limit) return null;
  return refuse(
    `This document could answer with up to ${mb(bytes)}, more than the ${mb(limit)} one response may carry: ask for fewer runs (ids), smaller pages (first) or fewer heavy fields (images, matrices, epochs)`,
    { limit: 'MAX_RESPONSE_MB', estimatedBytes: bytes, limitBytes: limit },
  );
}
