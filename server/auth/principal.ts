/**
 * Who is asking. Every GraphQL operation, over HTTP or WebSocket, runs for a Principal found here: a
 * personal API token (`Authorization: Bearer …`, or `authorization` in graphql-ws connection_init),
 * else the session cookie of a signed-in browser, else nobody (anonymous: no role, unless
 * ANONYMOUS_ROLE=viewer opens read-only browsing). better-auth checks tokens (hashed lookup, records
 * the last use) and sessions (signed cookie, row in Session); we add the user's role and whether an
 * admin disabled the account. A token that is wrong, revoked or belongs to a disabled account is
 * refused outright rather than treated as anonymous, so a script learns at once that its token is bad.
 */
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

export class Authenticator {
  constructor(
    readonly auth: Auth,
    private readonly pool: pg.Pool,
    readonly anonymousRole: Role | null,
  ) {}

  /**
   * The principal behind a request's headers; `token` overrides the Authorization header (graphql-ws
   * connection_init payloads carry it there). Throws UNAUTHENTICATED for a bad token.
   */
  async fromHeaders(headers: Headers, address: string | null, token?: string | null): Promise<Principal> {
    const key = token ?? bearerToken(headers.get('authorization'));
    if (key) return this.fromToken(key, address);
    if (headers.get('cookie')) {
      const session = await this.auth.api.getSession({ headers, query: { disableRefresh: false } }).catch(() => null);
      if (session?.user) {
        const user = session.user as typeof session.user & { role?: string | null; banned?: boolean | null; banExpires?: Date | null };
        if (!isBanned({ banned: user.banned ?? null, banExpires: user.banExpires ?? null })) {
          return { userId: user.id, name: user.name, email: user.email, role: parseRole(user.role) ?? 'viewer', via: 'session', address };
        }
      }
    }
    return anonymousPrincipal(this.anonymousRole, address);
  }

  async fromToken(key: string, address: string | null): Promise<Principal> {
    const result = await this.auth.api.verifyApiKey({ body: { key } }).catch(() => null);
    if (!result?.valid || !result.key) throw unauthenticated('API token not accepted: it is wrong, revoked or expired. Create a new one on the Settings page or with `npm run user -- token`.');
    const { rows } = await this.pool.query<UserRow>('SELECT "id", "name", "email", "role", "banned", "banExpires" FROM "User" WHERE "id" = $1', [result.key.referenceId]);
    const user = rows[0];
    if (!user || isBanned(user)) throw unauthenticated('API token not accepted: its account is disabled.');
    return { userId: user.id, name: user.name, email: user.email, role: parseRole(user.role) ?? 'viewer', via: 'token', address, tokenId: result.key.id };
  }
}
