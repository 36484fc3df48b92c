/**
 * The pages' own way into the API. Next.js renders the dashboard's server components in this process
 * (server/app.ts loads it with next()), and they fetch their first data by executing the dashboard's
 * GraphQL documents against the same schema in-process, as the person whose request is being rendered:
 * the principal comes from that request's cookie (or token) exactly as over HTTP, so the policy table
 * (server/auth/policy.ts) decides what a page may show, and a render without a signed-in user gets
 * UNAUTHENTICATED like any other anonymous caller. The same cost limit, heavy-operation gate, fresh
 * DataLoaders and error masking apply; what is saved is the HTTP round trip.
 */
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql/index.js';
import type { Access } from '../auth/access';
import type { GraphQLContext, RequestInfo } from './context';
import { maskResult, newRequestId } from './errorMasking';
import type { HeavyGate } from './heavyGate';
import { isHeavy } from './heavyGate';
import { costRefusal } from './limits';
import { PAGE_API_KEY, type PageApi, type PageApiResult } from './pageApiContract';

export interface PageApiOptions {
  schema: GraphQLSchema;
  access: Access;
  context: (request: RequestInfo) => GraphQLContext;
  heavyGate: HeavyGate;
}

/** The dashboard sends a fixed set of documents, so parsed and validated documents are kept (bounded). */
const MAX_CACHED_DOCUMENTS = 200;

export function createPageApi({ schema, access, context, heavyGate }: PageApiOptions): PageApi {
  const documents = new Map<string, DocumentNode>();
  const documentFor = (query: string): DocumentNode => {
    let document = documents.get(query);
    if (document) return document;
    document = parse(query);
    const errors = validate(schema, document);
    if (errors.length) throw new GraphQLError(`The page sent a document the schema refuses: ${errors.map((e) => e.message).join('; ')}`);
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
    documents.set(query, document);
    return document;
  };
  return {
    async execute({ query, variables, headers }): Promise<PageApiResult> {
      const requestId = newRequestId();
      let principal;
      try {
        principal = await access.authenticator.fromHeaders(headers, null);
      } catch (err) {
        return { errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] };
      }
      let document: DocumentNode;
      try {
        document = documentFor(query);
      } catch (err) {
        return maskResult({ errors: [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message)] }, requestId) as PageApiResult;
      }
      const refusal = costRefusal(schema, document, variables);
      if (refusal) return { errors: [refusal.toJSON()] };
      const release = isHeavy(schema, document, variables) ? await heavyGate.acquire() : null;
      try {
        const result = await execute({ schema, document, variableValues: variables, contextValue: context({ principal, access, requestId }) });
        // Plain JSON, as over HTTP: graphql-js builds results on null-prototype objects, which React will not pass to client components.
        return JSON.parse(JSON.stringify(maskResult(result, requestId))) as PageApiResult;
      } finally {
        release?.();
      }
    },
  };
}

export function publishPageApi(api: PageApi | null): void {
  const slot = globalThis as unknown as Record<symbol, PageApi | undefined>;
  if (api) slot[PAGE_API_KEY] = api;
  else delete slot[PAGE_API_KEY];
}
