/**
 * Sign-in over HTTP and who may open which page.
 *  - /api/auth/*: better-auth's own endpoints, but only those the dashboard uses (email sign-in,
 *    sign-out, session, password change, OIDC sign-in and callback). Its admin and API-key endpoints
 *    stay closed: user and token changes go through GraphQL, where the policy table checks them and
 *    the audit trail records them.
 *  - pages: while no user exists every page leads to /setup (the first-admin page); afterwards /setup
 *    is gone and a visitor without a session (and without ANONYMOUS_ROLE) is sent to /sign-in.
 *    The API enforces all of this by itself; the redirects are for people.
 */
import type http from 'node:http';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import type { Access } from '../auth/access';
import { CLIENT_IP_HEADER } from '../auth/auth';
import { clientAddress } from './request';

/** Email sign-in, OIDC sign-in (`sign-in/social` with provider "oidc") and its callback, sign-out, session, password. */
const AUTH_PATHS = [/^\/api\/auth\/sign-in\/(email|social)$/, /^\/api\/auth\/callback\/oidc$/, /^\/api\/auth\/sign-out$/, /^\/api\/auth\/get-session$/, /^\/api\/auth\/change-password$/, /^\/api\/auth\/(ok|error)$/];

export function authRoutes(access: Access) {
  const handler = toNodeHandler(access.auth);
  return (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    if (!AUTH_PATHS.some((p) => p.test(url.pathname))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    // The rate limiter keys on this; never let the client choose it.
    req.headers[CLIENT_IP_HEADER] = clientAddress(req) ?? 'unknown';
    void handler(req, res);
  };
}

/** Static files and build assets are never gated. */
const isAsset = (path: string) => path.startsWith('/_next/') || /\.[a-z0-9]{2,5}$/i.test(path);

/** Where a page request must go instead (a redirect target), or null to serve it. */
export async function pageRedirect(access: Access, req: http.IncomingMessage, url: URL): Promise<string | null> {
  const path = url.pathname;
  if (isAsset(path)) return null;
  if (await access.setup.needed()) return path === '/setup' ? null : '/setup';
  if (path === '/setup') return '/';
  if (path === '/sign-in') return null;
  const principal = await access.authenticator.fromHeaders(fromNodeHeaders(req.headers), clientAddress(req)).catch(() => null);
  if (principal?.role) return null;
  return `/sign-in?next=${encodeURIComponent(path + url.search)}`;
}
