/**
 * The browser's GraphQL client: queries and mutations over HTTP POST to /graphql on the same origin,
 * subscriptions over one shared graphql-ws WebSocket on the same path. Errors are thrown as GqlError
 * with the server's message (and the offending field names, when the API names them) so pages can show
 * what went wrong rather than a generic failure.
 */
import { createClient, type Client } from 'graphql-ws';

export interface GqlErrorDetail {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export class GqlError extends Error {
  constructor(readonly errors: GqlErrorDetail[], readonly status?: number) {
    super(errors.map((e) => e.message).join('; ') || `GraphQL request failed${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'GqlError';
  }
  /** Field issues the API attached to a refused config ({ field, message }[]), if any. */
  get fieldIssues(): { field: string; message: string }[] {
    const out: { field: string; message: string }[] = [];
    for (const e of this.errors) {
      const issues = (e.extensions?.issues ?? e.extensions?.fieldErrors) as unknown;
      if (Array.isArray(issues)) {
        for (const i of issues) if (i && typeof i.field === 'string') out.push({ field: i.field, message: String(i.message) });
      }
    }
    return out;
  }
}

export const GRAPHQL_PATH = '/graphql';

/** A signed-out browser (session expired or revoked) goes to the sign-in page, and comes back after. */
function goToSignIn() {
  if (typeof window === 'undefined' || window.location.pathname === '/sign-in' || window.location.pathname === '/setup') return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

/** One query or mutation. `signal` lets effects abandon requests whose results are no longer wanted. */
export async function gql<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new GqlError([{ message: `Cannot reach the API at ${GRAPHQL_PATH}: ${(err as Error).message}` }]);
  }
  let body: { data?: T; errors?: GqlErrorDetail[] } | null = null;
  try {
    body = await res.json();
  } catch {
    throw new GqlError([{ message: `The API answered HTTP ${res.status} without JSON` }], res.status);
  }
  if (body?.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) goToSignIn();
  if (body?.errors?.length) throw new GqlError(body.errors, res.status);
  if (!res.ok || !body?.data) throw new GqlError([], res.status);
  return body.data;
}

let wsClient: Client | null = null;

function subscriptionClient(): Client {
  if (!wsClient) {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    wsClient = createClient({
      url: `${proto}//${window.location.host}${GRAPHQL_PATH}`,
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      // Back off up to 10 s so a restarting server is picked up again without hammering it.
      retryWait: async (tries) => new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** tries))),
    });
  }
  return wsClient;
}

/** Subscribes; returns the unsubscribe function. Each `next` payload's data is handed to onData. */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  onError?: (err: Error) => void,
): () => void {
  return subscriptionClient().subscribe<T>(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors?.length) onError?.(new GqlError(msg.errors as GqlErrorDetail[]));
        else if (msg.data) onData(msg.data as T);
      },
      error: (err) => onError?.(err instanceof Error ? err : new Error('subscription closed')),
      complete: () => {},
    },
  );
}
