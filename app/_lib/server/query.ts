/**
 * How server components get their data: the one path. `query(RunDocument, { id })` executes the
 * dashboard's own typed document in-process against the API's schema, as the person whose request is
 * being rendered (their cookie or token, read from this request's headers), through the page API the
 * server publishes (server/graphql/pageApi.ts). So the policy table decides what a page may show,
 * exactly as for the browser's own requests, and a render without a signed-in user gets nothing:
 * it is sent to the sign-in page. Use only from server components, layouts, metadata and image routes.
 */
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { TypedDocumentString } from '../../_graphql/generated';
import { PAGE_API_KEY, type PageApi } from '../../../server/graphql/pageApiContract';

/** The API refused or failed; `code` is the GraphQL error code (NOT_FOUND, FORBIDDEN, …). */
export class PageDataError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
    this.name = 'PageDataError';
  }
}

function pageApi(): PageApi {
  const api = (globalThis as unknown as Record<symbol, PageApi | undefined>)[PAGE_API_KEY];
  if (!api) throw new Error('No in-process API: the dashboard pages are served by the run service (npm start, server/main.ts), not by `next start`.');
  return api;
}

export async function query<TData, TVars>(document: TypedDocumentString<TData, TVars>, variables: TVars): Promise<TData> {
  // Read the request first: it also tells Next that this render depends on the request (never prerendered).
  const requestHeaders = new Headers(await headers());
  const result = await pageApi().execute({ query: document.toString(), variables: variables as Record<string, unknown>, headers: requestHeaders });
  const errors = result.errors ?? [];
  if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) redirect('/sign-in');
  if (errors.length) throw new PageDataError(errors.map((e) => e.message).join('; '), (errors[0].extensions?.code as string | undefined) ?? null);
  return result.data as TData;
}
