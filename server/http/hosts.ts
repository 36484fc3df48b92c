/**
 * Which Host headers and Origins the server answers. DNS rebinding points a hostile name at our
 * address, so a request whose Host is not one of ours is refused (421) before anything runs:
 * ALLOWED_HOSTS (comma-separated host names, port optional; "*" turns the check off) plus, by default,
 * the localhost names, this machine's host name and every address of its network interfaces, and the
 * host of PUBLIC_URL. WebSocket upgrades from a browser must come from our own origin (the scheme and
 * Host of the request itself) or one listed in ALLOWED_ORIGINS: cross-site WebSocket hijacking is a
 * page elsewhere opening a socket with the victim's cookies.
 */
import os from 'node:os';

export interface HostPolicy {
  /** Lower-case host names without port; empty = any (ALLOWED_HOSTS=*). */
  hosts: Set<string>;
  any: boolean;
  /** Extra origins allowed for browser WebSockets and sign-in posts, e.g. https://dash.example.org. */
  origins: Set<string>;
}

/** The host part of a Host header or URL authority: lower-case, port and IPv6 brackets removed. */
export function hostName(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  const colons = a.split(':').length - 1;
  return colons === 1 ? a.slice(0, a.indexOf(':')) : a; // a bare IPv6 address has several colons
}

export function machineHostNames(): string[] {
  const names = ['localhost', '127.0.0.1', '::1', os.hostname().toLowerCase()];
  for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) names.push(i.address.toLowerCase().replace(/%.*$/, ''));
  return names;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function hostPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): HostPolicy {
  const configured = list(env.ALLOWED_HOSTS);
  const any = configured.includes('*');
  const hosts = new Set([...machineHostNames(), ...configured.filter((h) => h !== '*').map(hostName)]);
  if (env.PUBLIC_URL) hosts.add(new URL(env.PUBLIC_URL).hostname.toLowerCase().replace(/^\[|\]$/g, ''));
  const origins = new Set(list(env.ALLOWED_ORIGINS).map((o) => new URL(o).origin));
  if (env.PUBLIC_URL) origins.add(new URL(env.PUBLIC_URL).origin);
  return { hosts, any, origins };
}

/**
 * A Host header that is only a host name or address and an optional port. Anything else (`localhost:3000;
 * script-src *`) is refused before it can reach a response header: the CSP names our WebSocket origin
 * from it (headers.ts), and a header built from request text must hold nothing but an authority.
 */
export function validAuthority(hostHeader: string | undefined): hostHeader is string {
  return !!hostHeader && /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(:\d{1,5})?$/i.test(hostHeader);
}

export function hostAllowed(policy: HostPolicy, hostHeader: string | undefined): boolean {
  if (!validAuthority(hostHeader)) return false;
  if (policy.any) return true;
  return policy.hosts.has(hostName(hostHeader));
}

/** No Origin (not a browser: scripts, CLI) passes; a browser's must be ours or listed. */
export function originAllowed(policy: HostPolicy, origin: string | undefined, hostHeader: string | undefined, secure: boolean): boolean {
  if (!origin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (policy.origins.has(parsed.origin)) return true;
  if (!hostHeader) return false;
  return parsed.host.toLowerCase() === hostHeader.toLowerCase() && (parsed.protocol === 'https:' || !secure) && ['http:', 'https:'].includes(parsed.protocol);
}

/** The URLs the server can really be reached at, for the startup log. */
export function listenUrls(address: string, port: number): string[] {
  const wildcard = address === '0.0.0.0' || address === '::';
  const addresses = wildcard
    ? Object.values(os.networkInterfaces()).flatMap((l) => l ?? []).filter((i) => address === '::' || i.family === 'IPv4').map((i) => i.address)
    : [address];
  return [...new Set(addresses)].map((a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}`);
}
