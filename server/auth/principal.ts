/**
 * Who is asking. Every GraphQL operation, over HTTP or WebSocket, runs for a Principal found here: a
 * personal API token (`Authorization: Bearer …`, or `authorization` in graphql-ws connection_init),
 * else the session cookie of a signed-in browser, else nobody (anonymous: no role, unless
 * ANONYMOUS_ROLE=viewer opens read-only browsing). better-auth checks tokens (hashed lookup, records
 * the last use) and sessions (signed cookie, row in Session); we add the user's role and whether an
 * admin disabled the account. A token that is wrong, revoked or belongs to a disabled account is
 * refused outright rather than treated as anonymous, so a script learns at once that its token is bad.
 * A credential's verdict is kept for AUTH_CACHE_MS (5 s) so a busy script or a socket's many
 * operations cost one check, not one each; revoking a token or disabling an account clears it at once
 * on this server (another replica sees the change within that time) and makes open sockets re-check.
 */
import crypto from 'node:crypto';
import { GraphQLError } from 'graphql/index.js';
import type pg from 'pg';
import { bearerToken, type Auth } from './auth';
import { parseRole, type Role } from './roles';

export type Via = 'session' | 'token' | 'anonymous' | 'cli' | 'setup';

export interface Principal {
  userId: string | null;
  name: string;
  email: string | null;
  /** null: not signed in and anonymous access is off. */
  role: Role | null;
  via: Via;
  /** The client's address, as the HTTP layer saw it (audit trail). */
  address: string | null;
  /** The request came from the server's own machine, not through a proxy (first-admin page). */
  local?: boolean;
  /** The API token used, when via = token. */
  tokenId?: string;
}

export function anonymousPrincipal(role: Role | null, address: string | null): Principal {
  return { userId: null, name: 'anonymous', email: null, role, via: 'anonymous', address };
}

/** ANONYMOUS_ROLE: unset or "none" = sign-in required; "viewer" = read-only browsing without sign-in. */
export function anonymousRoleFromEnv(env: NodeJS.ProcessEnv = process.env): Role | null {
  const v = env.ANONYMOUS_ROLE?.trim().toLowerCase();
  if (!v || v === 'none') return null;
  if (v === 'viewer') return 'viewer';
  throw new Error(`ANONYMOUS_ROLE may only be "viewer" (read-only browsing without signing in) or unset; got "${env.ANONYMOUS_ROLE}"`);
}

export const unauthenticated = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: string | null;
  banned: boolean | null;
  banExpires: Date | null;
}

const isBanned = (u: Pick<UserRow, 'banned' | 'banExpires'>) => !!u.banned && (!u.banExpires || u.banExpires.getTime() > Date.now());

/** The credential could not be checked because the database does not answer: retry, do not sign in again. */
export const credentialsUnavailable = () =>
  new GraphQLError('Your token or session cannot be checked right now (the database is restarting); try again in a few seconds', { extensions: { code: 'SERVICE_UNAVAILABLE' } });

export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly ttlMs = Number(process.env.AUTH_CACHE_MS ?? 5000);

  constructor(
    readonly auth: Auth,
    private readonly pool: pg.Pool,
    readonly anonymousRole: Role | null,
  ) {}

  private readonly changeListeners = new Set<() => void>();

  /**
   * Forget every cached verdict (after a token is revoked, an account changed or a session ended) and
   * tell the listeners, so open sockets re-check their credentials at once.
   */
  forget(): void {
    this.cache.clear();
    for (const listener of this.changeListeners) listener();
  }

  /** Calls `listener` after every forget(); returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private async cached(kind: string, credential: string, address: string | null, check: () => Promise<Principal | null>): Promise<Principal | null> {
    const key = `${kind}:${crypto.createHash('sha256').update(credential).digest('base64url')}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return { ...hit.principal, address };
    const principal = await check();
    if (principal) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { principal, until: Date.now() + this.ttlMs });
    }
    return principal;
  }

  /**
   * The principal behind a request's headers; `token` overrides the Authorization header (graphql-ws
   * connection_init payloads carry it there). Throws UNAUTHENTICATED for a bad token.
   */
  async fromHeaders(headers: Headers, address: string | null, token?: string | null): Promise<Principal> {
    const key = token ?? bearerToken(headers.get('authorization'));
    if (key) return (await this.cached('token', key, address, () => this.fromToken(key, address)))!;
    const cookie = headers.get('cookie');
    if (cookie) {
      const principal = await this.cached('cookie', cookie, address, async () => {
        let failed = false;
        const session = await this.auth.api.getSession({ headers }).catch(() => ((failed = true), null));
        if (failed) await this.unlessDatabaseDown(unauthenticated('Your session could not be read; sign in again'));
        if (!session?.user) return null;
        const user = session.user as typeof session.user & { role?: string | null; banned?: boolean | null; banExpires?: Date | null };
        if (isBanned({ banned: user.banned ?? null, banExpires: user.banExpires ?? null })) return null;
        return { userId: user.id, name: user.name, email: user.email, role: parseRole(user.role) ?? 'viewer', via: 'session', address };
      });
      if (principal) return principal;
    }
    return anonymousPrincipal(this.anonymousRole, address);
  }

  /**
   * better-auth answers "not valid" both for a bad credential and when it could not read the database;
   * only the second is worth retrying. A refusal is checked against the database's own answer, so a
   * valid token during a PostgreSQL restart gets "try again" (503), not "revoked" (401; issue 24).
   */
  private async unlessDatabaseDown(refusal: GraphQLError): Promise<never> {
    const answers = await this.pool.query('SELECT 1').then(() => true, () => false);
    throw answers ? refusal : credentialsUnavailable();
  }

  private async fromToken(key: string, address: string | null): Promise<Principal> {
    const result = await this.auth.api.verifyApiKey({ body: { key } }).catch(() => null);
    if (!result?.valid || !result.key) return this.unlessDatabaseDown(unauthenticated('API token not accepted: it is wrong, revoked or expired. Create a new one on the Settings page or with `npm run user -- token`.'));
    const { rows } = await this.pool
      .query<UserRow>('SELECT "id", "name", "email", "role", "banned", "banExpires" FROM "User" WHERE "id" = $1', [result.key.referenceId])
      .catch((): never => {
        throw credentialsUnavailable();
      });
    const user = rows[0];
    if (!user || isBanned(user)) throw unauthenticated('API token not accepted: its account is disabled.');
    return { userId: user.id, name: user.name, email: user.email, role: parseRole(user.role) ?? 'viewer', via: 'token', address, tokenId: result.key.id };
  }
}
