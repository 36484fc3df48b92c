/**
 * Accounts, sessions and API tokens through better-auth, the maintained library this project uses for
 * everything that must not be hand-rolled: password hashing (scrypt), session tokens and their signed,
 * httpOnly, SameSite=Lax cookies, rate limiting of sign-in attempts, hashed API keys (the api-key
 * plugin), roles and bans (the admin plugin) and optional OpenID Connect single sign-on (the
 * generic-oauth plugin). better-auth talks to PostgreSQL through the server's node-postgres pool
 * (its built-in Kysely dialect); its tables are ordinary Prisma models (prisma/schema.prisma), so
 * migrations and the rest of the code see them like any other table.
 *
 * Public sign-up is off: users are created by an admin (GraphQL createUser), by `npm run user --
 * create`, by the one-time first-admin page, or on their first OIDC sign-in when OIDC is configured.
 */
import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { admin, genericOAuth } from 'better-auth/plugins';
import { adminAc, userAc } from 'better-auth/plugins/admin/access';
import type pg from 'pg';
import type { OidcConfig } from './oidc';

/** The header our HTTP layer sets to the client's address (never taken from the client itself). */
export const CLIENT_IP_HEADER = 'x-emnist-client-ip';
/** API tokens start with this, so they are easy to spot in logs, scripts and secret scanners. */
export const TOKEN_PREFIX = 'emnist_';
/** Sign-in attempts allowed per client address per minute (better-auth's rate limiter). */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = Number(process.env.SIGN_IN_ATTEMPTS_PER_MINUTE ?? 5);
/**
 * Failed password sign-ins one account may have in SIGN_IN_LOCKOUT_MINUTES (15) from any addresses
 * before its sign-ins are refused for the rest of that window: the per-address limit above alone let
 * 10 rotated loopback addresses try 50 passwords a minute (issue 24). Counted from the audit trail's
 * refused sign-ins, so every replica agrees. Someone who knows the email can lock its owner out for
 * the window; an admin sees the attempts in the audit log.
 */
export const SIGN_IN_FAILURES_PER_ACCOUNT = Math.max(1, Number(process.env.SIGN_IN_FAILURES_PER_ACCOUNT) || 10);
const SIGN_IN_LOCKOUT_MINUTES = Math.max(1, Number(process.env.SIGN_IN_LOCKOUT_MINUTES) || 15);
export const SESSION_DAYS = 7;
export const MIN_PASSWORD_LENGTH = 10;

export interface AuthOptions {
  pool: pg.Pool;
  secret: string;
  /** Extra origins allowed to post to the auth endpoints (ALLOWED_ORIGINS); the own origin always is. */
  trustedOrigins?: string[];
  /** PUBLIC_URL: the address users reach the dashboard at; https:// there makes cookies Secure. */
  publicUrl?: string | null;
  oidc?: OidcConfig | null;
  /** Called after each sign-in, sign-out, refused password sign-in and password change (the server writes them to the audit trail). */
  onAuthEvent?: (event: AuthEvent) => Promise<void>;
}

/** A sign-in or sign-out as the audit trail records it. */
export interface AuthEvent {
  action: 'signIn' | 'signOut' | 'signInRefused' | 'passwordChanged';
  /** The account, when known (a refused sign-in names only the email tried). */
  userId: string | null;
  email?: string | null;
  /** password or oidc, for sign-ins. */
  method?: 'password' | 'oidc';
  address: string | null;
}

export function bearerToken(authorization: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m ? m[1] : null;
}

export function createAuth(options: AuthOptions) {
  const secure = !!options.publicUrl?.startsWith('https://');
  // An audit write that fails must not fail the sign-in or sign-out itself; the server log says so.
  const report = async (event: AuthEvent) => {
    await options.onAuthEvent?.(event).catch((err: Error) => console.warn(`[auth] could not audit ${event.action}: ${err.message}`));
  };
  return betterAuth({
    appName: 'EMNIST dashboard',
    database: options.pool,
    secret: options.secret,
    basePath: '/api/auth',
    // The HTTP layer (server/http/hosts.ts) refuses requests for hosts outside ALLOWED_HOSTS before
    // they get here, so any host that arrives is one of ours; PUBLIC_URL pins it when set.
    baseURL: options.publicUrl ?? { allowedHosts: ['*'], protocol: 'auto', fallback: 'http://localhost' },
    trustedOrigins: options.trustedOrigins ?? [],
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: 256 },
    user: { modelName: 'User' },
    session: { modelName: 'Session', expiresIn: SESSION_DAYS * 24 * 3600, updateAge: 24 * 3600 },
    account: { modelName: 'Account', accountLinking: { enabled: false } },
    verification: { modelName: 'Verification' },
    rateLimit: {
      // better-auth enables its limiter only when NODE_ENV=production by default; we always want it.
      enabled: true,
      storage: 'database',
      modelName: 'RateLimit',
      window: 60,
      max: 120,
      customRules: {
        '/sign-in/email': { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE },
        '/change-password': { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE },
      },
    },
    advanced: {
      cookiePrefix: 'emnist',
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    telemetry: { enabled: false },
    // Who signed in and out, refused password attempts and password changes, for the audit trail. A
    // session also ends by expiry or when an admin disables the account; only the sign-out endpoint
    // counts as a sign-out.
    databaseHooks: {
      session: {
        create: {
          // A password change that ends the other sessions gives the caller a fresh one: not a sign-in.
          after: async (session, ctx) =>
            ctx?.path === '/change-password' ? undefined : report({ action: 'signIn', userId: session.userId, method: ctx?.path?.includes('oauth2') ? 'oidc' : 'password', address: session.ipAddress ?? null }),
        },
        delete: {
          after: async (session, ctx) => {
            if (ctx?.path === '/sign-out') await report({ action: 'signOut', userId: session.userId, address: session.ipAddress ?? null });
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email' || typeof ctx.body?.email !== 'string') return;
        const { rows } = await options.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "AuditEntry" WHERE "action" = 'signInRefused' AND "at" > now() - make_interval(mins => $2) AND lower("detail"->>'email') = lower($1)`,
          [ctx.body.email.slice(0, 200), SIGN_IN_LOCKOUT_MINUTES],
        );
        if (rows[0].n >= SIGN_IN_FAILURES_PER_ACCOUNT) {
          throw new APIError('TOO_MANY_REQUESTS', {
            message: `Too many failed sign-ins for this account (${SIGN_IN_FAILURES_PER_ACCOUNT} in ${SIGN_IN_LOCKOUT_MINUTES} minutes, SIGN_IN_FAILURES_PER_ACCOUNT); wait ${SIGN_IN_LOCKOUT_MINUTES} minutes, or ask an admin to set a new password`,
          });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const address = ctx.headers?.get(CLIENT_IP_HEADER) ?? null;
        const refused = ctx.context.returned instanceof APIError;
        if (ctx.path === '/sign-in/email' && refused) {
          const email = typeof ctx.body?.email === 'string' ? ctx.body.email.slice(0, 200) : null;
          await report({ action: 'signInRefused', userId: null, email, address });
        }
        if (ctx.path === '/change-password' && !refused) {
          const userId = (ctx.context.returned as { user?: { id?: string } } | undefined)?.user?.id ?? null;
          if (userId) await report({ action: 'passwordChanged', userId, address });
        }
      }),
    },
    // One line per event in our log's style (the library's default prints whole error objects).
    logger: { level: 'warn', log: (level, message) => console.warn(`[auth] ${level}: ${message}`) },
    plugins: [
      admin({
        // Users an OIDC sign-in creates get OIDC_DEFAULT_ROLE; every other path sets the role explicitly.
        defaultRole: options.oidc?.defaultRole ?? 'viewer',
        adminRoles: ['admin'],
        roles: { admin: adminAc, member: userAc, viewer: userAc },
        bannedUserMessage: 'This account is disabled; ask an admin of the dashboard.',
      }),
      apiKey({
        schema: { apikey: { modelName: 'ApiKey' } },
        // Scripts send `Authorization: Bearer <token>`; the plugin's own x-api-key header works too.
        customAPIKeyGetter: (ctx) => bearerToken(ctx.headers?.get('authorization')) ?? ctx.headers?.get('x-api-key') ?? null,
        defaultPrefix: TOKEN_PREFIX,
        maximumNameLength: 100,
        startingCharactersConfig: { shouldStore: true, charactersLength: TOKEN_PREFIX.length + 4 },
        // Per-key request quotas are not what tokens are for here; API limits apply to every caller.
        rateLimit: { enabled: false },
        // The last-use write happens beside the request, not before its answer.
        deferUpdates: true,
      }),
      ...(options.oidc ? [genericOAuth({ config: [options.oidc.provider] })] : []),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
