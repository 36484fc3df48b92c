/**
 * Limits on what one GraphQL document may ask for, from graphql-armor (a maintained set of protections)
 * rather than hand-written rules: tokens (checked while parsing, before any work), aliases, depth,
 * directives and a cost estimate, plus the removal of "Did you mean …" field suggestions. Tuned so
 * every document the dashboard sends passes (test/server/limits.test.ts checks each one in
 * app/_lib/queries.ts) while the amplification attacks of issue 9 (133 aliased list queries, deep or
 * directive-stuffed documents) are refused at validation, before a resolver runs. The same rules apply
 * over HTTP (Apollo plugins) and WebSocket (server/graphql/socket.ts).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { GraphQLError, Kind, specifiedRules, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql/index.js';
import type { GraphQLArmorConfig } from '@escape.tech/graphql-armor-types';
import { FragmentBudgetExceeded, inlineFragments } from './inlineFragments';

export const MAX_QUERY_LENGTH = 20_000;
export const MAX_TOKENS = 2_000;
/** The dashboard sends no aliases; a few leave scripts room while bounding repeated list fields. */
export const MAX_ALIASES = 4;
export const MAX_DEPTH = 8;
export const MAX_DIRECTIVES = 10;
/**
 * armor's estimate: objects 2, scalars 1, ×1.5 per level, × a literal `first`. The heaviest dashboard
 * document, the study report (200 runs with epochs, evaluation and robustness), costs 29,350.
 */
export const MAX_COST = 40_000;

/**
 * Fragments count as if their fields were written in place (armor's default adds a level, ×1.5, for
 * each spread): the dashboard's operations share fragments, and the same fields must cost the same
 * however they are spelt. Used by every cost estimate here and in heavyGate.ts.
 */
export const COST_ESTIMATE = { ignoreIntrospection: true, flattenFragments: true } as const;

export const ARMOR_CONFIG: GraphQLArmorConfig = {
  maxTokens: { n: MAX_TOKENS },
  maxAliases: { n: MAX_ALIASES, allowList: [] },
  maxDepth: { n: MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true },
  maxDirectives: { n: MAX_DIRECTIVES },
  // The cost limit is applied by costRefusal (below) to every operation, HTTP, WebSocket and the page API alike,
  // on the document with its fragments written out: armor's rule on the raw document counts fragments extra.
  costLimit: { enabled: false, maxCost: MAX_COST, ...COST_ESTIMATE },
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

/**
 * armor's cost rule multiplies by `first` only when it is written in the document; a client can pass
 * it as a variable instead (the dashboard does). Before execution, with the variables known, the
 * document is checked again with `first`/`last` variables written in and its fragments written out
 * in place (inlineFragments.ts), so a page of 200 costs the same either way, and the same fields cost
 * the same with or without fragments.
 */
export function costRefusal(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
  let flat: DocumentNode;
  try {
    flat = inlineFragments(document);
  } catch (err) {
    if (err instanceof FragmentBudgetExceeded) return refuse(`Syntax Error: ${err.message}.`);
    throw err;
  }
  const inlined = visit(flat, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE) return undefined;
      const v = variables?.[node.value.name.value];
      if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
      return { ...node, value: { kind: Kind.INT, value: String(v) } };
    },
  });
  const [error] = validate(schema, inlined, [costLimitRule({ maxCost: MAX_COST, ...COST_ESTIMATE, propagateOnRejection: false, onReject: [(ctx, e) => ctx?.reportError(e)] })]);
  return error ? refuse(error.message) : null;
}
