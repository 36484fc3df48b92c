/**
 * Security headers on every response the server sends (pages, API, errors): a Content-Security-Policy
 * that allows only our own origin (and our own WebSocket) and no framing by other sites
 * (frame-ancestors 'self'), nosniff, a Referrer-Policy that keeps run ids out of other sites' logs.
 * Scripts and styles must allow 'unsafe-inline': Next.js pre-renders pages with inline bootstrap
 * scripts and no per-request nonce, so the CSP limits where code and data may come from and go to,
 * not inline code; React's escaping is what keeps user text (run names, notes) from becoming markup.
 */
import type http from 'node:http';

export function setSecurityHeaders(res: http.ServerResponse, host: string | undefined): void {
  const ws = host ? ` ws://${host} wss://${host}` : '';
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self'${ws}`,
      "frame-ancestors 'self'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
}
