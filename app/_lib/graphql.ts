/**
 * The browser's GraphQL client. Every operation is a typed document generated from the `.graphql`
 * files next to the feature that sends it (app/_graphql/generated.ts), so `request(RunDocument, { id })`
 * returns exactly the RunQuery shape. Queries and mutations go over HTTP POST to /graphql on the same
 * origin; subscriptions over one shared graphql-ws WebSocket on the same path. Failures are thrown as
 * GqlError, which tells a network failure, a server failure and a refusal apart (kind, title), and
 * carries the fields the API named, so pages say what went wrong in words that fit.
 */
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../_graphql/generated';

export interface GqlErrorDetail {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** network: the request never got an answer; server: the server failed (5xx, masked errors); refused: the API said no (bad input, not allowed, quota). */
export type GqlErrorKind = 'network' | 'server' | 'refused';

const REFUSAL_CODES = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'QUOTA_EXCEEDED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'TOO_MANY_SUBSCRIPTIONS']);

export class GqlError extends Error {
  constructor(
    readonly errors: GqlErrorDetail[],
    readonly status?: number,
    readonly networkFailure = false,
  ) {
    super(errors.map((e) => e.message).join('; ') || `GraphQL request failed${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'GqlError';
  }

  get code(): string | null {
    return (this.errors.find((e) => e.extensions?.code)?.extensions?.code as string | undefined) ?? null;
  }

  get kind(): GqlErrorKind {
    if (this.networkFailure) return 'network';
    return this.errors.length > 0 && this.errors.every((e) => REFUSAL_CODES.has(String(e.extensions?.code ?? ''))) ? 'refused' : 'server';
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

/** A heading for an error box: "Network error" is not "Launch refused". */
export function errorTitle(err: unknown, refusedTitle: string): string {
  if (err instanceof GqlError) {
    if (err.kind === 'network') return 'Network error: the server could not be reached';
    if (err.kind === 'server') return err.status && err.status >= 500 ? `The server failed (HTTP ${err.status})` : 'The server failed';
  }
  return refusedTitle;
}

export const GRAPHQL_PATH = '/graphql';

/** A signed-out browser (session expired or revoked) goes to the sign-in page, and comes back after. */
function goToSignIn() {
  if (typeof window === 'undefined' || window.location.pathname === '/sign-in' || window.location.pathname === '/setup') return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

/** One query or mutation. `signal` lets effects abandon requests whose results are no longer wanted. */
export async function request<TData, TVars>(document: TypedDocumentString<TData, TVars>, variables: TVars, signal?: AbortSignal): Promise<TData> {
  let res: Response;
  try {
    res = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new GqlError([{ message: `No answer from ${window.location.origin}: check your connection, or whether the dashboard is still running (${(err as Error).message}).` }], undefined, true);
  }
  let body: { data?: TData; errors?: GqlErrorDetail[] } | null = null;
  try {
    body = await res.json();
  } catch {
    throw new GqlError([{ message: `The server answered HTTP ${res.status} without JSON${res.status >= 500 ? '; it may be restarting, try again in a moment' : ''}.` }], res.status);
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
export function subscribe<TData, TVars>(
  document: TypedDocumentString<TData, TVars>,
  variables: TVars,
  onData: (data: TData) => void,
  onError?: (err: Error) => void,
): () => void {
  return subscriptionClient().subscribe<TData>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (msg) => {
        if (msg.errors?.length) onError?.(new GqlError(msg.errors as GqlErrorDetail[]));
        else if (msg.data) onData(msg.data as TData);
      },
      error: (err) => onError?.(err instanceof Error ? err : new Error('subscription closed')),
      complete: () => {},
    },
  );
}
