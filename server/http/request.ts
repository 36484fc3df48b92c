/**
 * Small helpers about the incoming request: its body (bounded), and the client's address. The address
 * is the socket's peer, unless TRUST_PROXY=1 says a reverse proxy in front of us sets
 * X-Forwarded-For (then its first entry); trusting that header without a proxy would let anyone pick
 * their own address and step around the sign-in rate limit.
 */
import type http from 'node:http';

export async function readBody(req: http.IncomingMessage, limit = 1_000_000): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const trustProxy = (env: NodeJS.ProcessEnv = process.env) => env.TRUST_PROXY === '1';

export function clientAddress(req: http.IncomingMessage, behindProxy = trustProxy()): string | null {
  if (behindProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
