/**
 * Sign-in and sign-out in the browser, through better-auth's own client (the server side is
 * server/auth/auth.ts, mounted at /api/auth). The session is an httpOnly cookie the page never sees;
 * everything else (who am I, tokens, users) goes through GraphQL.
 */
import { createAuthClient } from 'better-auth/client';

export const authClient = createAuthClient({ basePath: '/api/auth' });

/**
 * Only paths of our own origin are followed after sign-in (never an open redirect). The check parses
 * the address as the browser will, against our own origin: a prefix test let `/\\host/x` and
 * `/<tab>/host/x` through, which browsers read as `//host/x`, another site (issue 24). The answer is
 * the parsed path, never one that starts with `//` (`/.//host` resolves to `//host`).
 */
export function safeNext(next: string | null | undefined, origin: string = typeof window === 'undefined' ? 'http://localhost' : window.location.origin): string {
  if (!next || !next.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  const path = url.pathname + url.search + url.hash;
  return url.origin === new URL(origin).origin && !path.startsWith('//') ? path : '/';
}

export async function signInWithPassword(email: string, password: string): Promise<string | null> {
  const { error } = await authClient.signIn.email({ email, password });
  if (!error) return null;
  // The account's own lockout names itself; the per-address limit does not.
  if (error.status === 429) return error.message?.startsWith('Too many failed sign-ins for this account') ? error.message : 'Too many sign-in attempts from here; wait a minute and try again.';
  return error.message || 'Email or password is wrong.';
}

export async function signInWithOidc(next: string): Promise<string | null> {
  const { error } = await authClient.signIn.social({ provider: 'oidc', callbackURL: safeNext(next) });
  return error ? error.message || 'Single sign-on is not available right now.' : null;
}

export async function signOut(): Promise<void> {
  await authClient.signOut();
  window.location.assign('/sign-in');
}
