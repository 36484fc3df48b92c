/**
 * Security headers on every response the server sends (pages, API, errors): a Content-Security-Policy
 * that allows only our own origin (and our own WebSocket) and no framing by other sites
 * (frame-ancestors 'self'), nosniff, a Referrer-Policy that keeps run ids out of other sites' logs.
 *
 * Scripts: our own files, plus inline scripts that carry this response's nonce — no other inline
 * script runs, so markup that slipped into a page could not execute. Every page is rendered per
 * request, and Next.js puts the nonce on its own inline scripts when it finds it in the *request's*
 * CSP header (the way its middleware recipe passes it), which is why the server sets that header on
 * the request too (withScriptNonce). Styles keep 'unsafe-inline': React style props and D3's
 * attributes are inline styles, and styles cannot run code.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { validAuthority } from './hosts';

/** A fresh nonce for one response's inline scripts. */
export const newScriptNonce = () => crypto.randomBytes(16).toString('base64');

export function contentSecurityPolicy(host: string | undefined, nonce: string): string {
  // Only a well-formed authority is written in (a Host that is not one is refused with 421 anyway).
  const ws = validAuthority(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * Sets the headers on `res`, and the same CSP on `req`, where Next.js reads the nonce for the inline
 * scripts of the page it renders (a client cannot choose it: the header it sent is replaced).
 */
export function setSecurityHeaders(req: http.IncomingMessage, res: http.ServerResponse): void {
  const policy = contentSecurityPolicy(req.headers.host, newScriptNonce());
  req.headers['content-security-policy'] = policy;
  delete req.headers['content-security-policy-report-only'];
  res.setHeader('Content-Security-Policy', policy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
}
