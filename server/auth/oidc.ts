/**
 * Optional single sign-on through a generic OpenID Connect provider (Keycloak, Authentik, Okta, Azure
 * AD, Google Workspace, …), configured only by environment variables and handed to better-auth's
 * generic-oauth plugin. Unset OIDC_ISSUER = no SSO (password sign-in only). A half-set configuration is
 * refused at startup with the missing variable named, rather than showing a button that cannot work.
 * The provider itself is out of reach offline; the tests cover this configuration path only.
 *
 *   OIDC_ISSUER         https://idp.example.com/realms/team  (discovery: <issuer>/.well-known/openid-configuration)
 *   OIDC_CLIENT_ID      the client registered at the provider
 *   OIDC_CLIENT_SECRET  its secret
 *   OIDC_NAME           button label (default "single sign-on")
 *   OIDC_SCOPES         default "openid email profile"
 *   OIDC_DEFAULT_ROLE   role of a user created by a first OIDC sign-in (viewer); "none" = only users an
 *                       admin created beforehand (same email) may sign in through the provider
 * The provider must allow the redirect URI <PUBLIC_URL>/api/auth/callback/oidc. Discovery runs at server start;
 * a provider that cannot be reached then is logged and its button does not work until a restart.
 */
import type { GenericOAuthConfig } from 'better-auth/plugins';
import { parseRole, type Role } from './roles';

export const OIDC_PROVIDER_ID = 'oidc';

export interface OidcConfig {
  name: string;
  /** Role given to users an OIDC sign-in creates; null = no implicit sign-up. */
  defaultRole: Role | null;
  provider: GenericOAuthConfig;
}

export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) {
    const stray = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter((k) => env[k]);
    if (stray.length) throw new Error(`${stray.join(' and ')} set without OIDC_ISSUER: set OIDC_ISSUER to the provider's issuer URL, or unset them`);
    return null;
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`OIDC_ISSUER is not a URL: ${issuer}`);
  }
  if (url.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new Error(`OIDC_ISSUER must be an https:// URL (got ${url.protocol}//…); only a provider on localhost may use http`);
  }
  const missing = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter((k) => !env[k]?.trim());
  if (missing.length) throw new Error(`OIDC_ISSUER is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not; set ${missing.length > 1 ? 'them' : 'it'} to the client registered at the provider`);
  const roleText = env.OIDC_DEFAULT_ROLE?.trim() || 'viewer';
  const defaultRole = roleText === 'none' ? null : parseRole(roleText);
  if (roleText !== 'none' && !defaultRole) throw new Error(`OIDC_DEFAULT_ROLE must be viewer, member, admin or none (got "${roleText}")`);
  const name = env.OIDC_NAME?.trim() || 'single sign-on';
  return {
    name,
    defaultRole,
    provider: {
      providerId: OIDC_PROVIDER_ID,
      name,
      discoveryUrl: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
      requireIdTokenVerification: true,
      clientId: env.OIDC_CLIENT_ID!.trim(),
      clientSecret: env.OIDC_CLIENT_SECRET!.trim(),
      scopes: (env.OIDC_SCOPES?.trim() || 'openid email profile').split(/[\s,]+/).filter(Boolean),
      pkce: true,
      disableImplicitSignUp: defaultRole === null,
    },
  };
}
