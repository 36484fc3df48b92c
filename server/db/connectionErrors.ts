/**
 * Which errors mean "the database cannot be reached right now" (worth waiting for and retrying) rather
 * than "this statement is wrong". node-postgres reports socket errors by their errno code and server
 * refusals by SQLSTATE: class 08 (connection exception), 57P01–57P03 (the server is shutting down,
 * crashed, or not yet accepting connections, as during a restart), 53300 (too many connections).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = /Connection terminated|Client has encountered a connection error|connection timeout|timeout exceeded when trying to connect|Client was closed|Connection closed|the database system is (starting up|shutting down|in recovery mode)/i;

export function isConnectionError(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isConnectionError)) return true;
  }
  return false;
}

/** One line about a connection error for logs and health reports, e.g. "ECONNREFUSED 127.0.0.1:5432". */
export function describeConnectionError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describeConnectionError(err.errors[0]);
  const e = err as { code?: string; message?: string } | undefined;
  const message = (e?.message ?? String(err)).split('\n')[0];
  return e?.code && !message.includes(e.code) ? `${e.code}: ${message}` : message || String(e?.code ?? 'unknown error');
}
