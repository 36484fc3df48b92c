/**
 * The contract between the server and the dashboard's server components (no imports: the Next.js
 * bundle and the server both load this file). server/app.ts publishes a PageApi on globalThis under
 * PAGE_API_KEY; app/_lib/server/query.ts finds it there. A registered symbol, because Next bundles
 * the pages apart from the server's modules, so they share the process but not module instances.
 */
export const PAGE_API_KEY = Symbol.for('emnist-dashboard.page-api');

export interface PageApiResult {
  data?: Record<string, unknown> | null;
  /** Already masked: client mistakes keep their message and code; anything else names a request id. */
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface PageApi {
  /** Executes one of the dashboard's documents as whoever sent `headers` (cookie or token). */
  execute(request: { query: string; variables?: Record<string, unknown>; headers: Headers }): Promise<PageApiResult>;
}
