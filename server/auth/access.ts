/**
 * Everything team access needs, built once per server (or CLI) from the database pool and the
 * environment: the better-auth instance, the authenticator that turns requests into principals, the
 * quota settings, the first-admin setup state and the optional OIDC configuration. Misconfiguration
 * (a bad ANONYMOUS_ROLE, a half-set OIDC, a short AUTH_SECRET, a bad quota value) stops startup with
 * a message naming the variable.
 */
import type pg from 'pg';
import { quotaSettingsFromEnv, type QuotaSettings } from '../runs/quotas';
import { writeAuthEvent } from './audit';
import { createAuth, type Auth } from './auth';
import { oidcConfigFromEnv, type OidcConfig } from './oidc';
import { anonymousRoleFromEnv, Authenticator } from './principal';
import { loadAuthSecret } from './secret';
import { FirstAdminSetup } from './setup';

export interface Access {
  auth: Auth;
  authenticator: Authenticator;
  pool: pg.Pool;
  quotas: QuotaSettings;
  setup: FirstAdminSetup;
  oidc: OidcConfig | null;
}

export function listFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export async function createAccess(pool: pg.Pool, env: NodeJS.ProcessEnv = process.env): Promise<Access> {
  const oidc = oidcConfigFromEnv(env);
  const anonymousRole = anonymousRoleFromEnv(env);
  const quotas = quotaSettingsFromEnv(env);
  const secret = await loadAuthSecret(pool, env);
  const auth = createAuth({
    pool,
    secret,
    trustedOrigins: listFromEnv(env.ALLOWED_ORIGINS),
    publicUrl: env.PUBLIC_URL?.trim() || null,
    oidc,
    onAuthEvent: async (event) => {
      // A session that ended (or a password that changed, which may end the other sessions) must stop
      // working at once, on open sockets too, not when the cached verdict runs out.
      if (event.action === 'signOut' || event.action === 'passwordChanged') authenticator.forget();
      await writeAuthEvent(pool, event);
    },
  });
  const authenticator = new Authenticator(auth, pool, anonymousRole);
  // Initialises the plugins now (OIDC discovery among them), so a problem shows in the startup log.
  if (oidc) await auth.$context;
  return { auth, authenticator, pool, quotas, setup: new FirstAdminSetup(pool), oidc };
}
