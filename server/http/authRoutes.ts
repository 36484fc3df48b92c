/**
 * Sign-in over HTTP and who may open which page.
 *  - /api/auth/*: better-auth's own endpoints, but only those the dashboard uses (email sign-in,
 *    sign-out, session, password change, OIDC sign-in and callback). Its admin and API-key endpoints
 *    stay closed: user and token changes go through GraphQL, where the policy table checks them and
 *    the audit trail records them. Every request that changes state (any method but GET and HEAD)
 *    passes the same Origin policy as WebSockets (hosts.ts: a browser's Origin must be our own or in
 *    ALLOWED_ORIGINS, else 403) and must not be form-encoded (415): the dashboard posts JSON, while a
 *    form on another site posts urlencoded, multipart or text/plain bodies. Without this a form on
 *    another local port signed the victim in as the attacker (login CSRF, issue 24), and an empty
 *    text/plain form signed them out. better-auth's own origin check cannot do it here: its base URL
 *    follows the request's Host (allowedHosts '*', which the Host check in app.ts bounds).
 *  - pages: while no user exists every page leads to /setup (the first-admin page); afterwards /setup
 *    is gone and a visitor without a session (and without ANONYMOUS_ROLE) is sent to /sign-in.
 *    The API enforces all of this by itself; the redirects are for people.
 */
import type http from 'node:http';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import type { Access } from '../auth/access';
import { CLIENT_IP_HEADER } from '../auth/auth';
import { originAllowed, type HostPolicy } from './hosts';
import { clientAddress } from './request';

/** Email sign-in, OIDC sign-in (`sign-in/social` with provider "oidc") and its callback, sign-out, session, password. */
const AUTH_PATHS = [/^\/api\/auth\/sign-in\/(email|social)$/, /^\/api\/auth\/callback\/oidc$/, /^\/api\/auth\/sign-out$/, /^\/api\/auth\/get-session$/, /^\/api\/auth\/change-password$/, /^\/api\/auth\/(ok|error)$/];

/** What an HTML form can send without JavaScript: never what the dashboard's sign-in posts. */
const FORM_ENCODINGS = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

export function authRoutes(access: Access, hosts: HostPolicy, secure: boolean) {
  const handler = toNodeHandler(access.auth);
  return (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    if (!AUTH_PATHS.some((p) => p.test(url.pathname))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (!originAllowed(hosts, req.headers.origin, req.headers.host, secure)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`Sign-in requests from origin ${req.headers.origin} are refused; sign in on the dashboard itself (its own origin and ALLOWED_ORIGINS may)`);
        return;
      }
      if (FORM_ENCODINGS.test(req.headers['content-type'] ?? '')) {
        res.writeHead(415, { 'content-type': 'text/plain' }).end('Send sign-in requests as application/json, as the dashboard does; form encodings are refused');
        return;
      }
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
