/**
 * `npm run user` as an administrator runs it: against the embedded database of a running server (which
 * must keep running), against a stopped one (started and stopped by the CLI itself), and the tokens it
 * prints work on the API. Also the OIDC configuration path (the provider itself is out of reach offline).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newPool } from '../../server/db/pool';
import { startRunService, type RunService } from '../../server/app';
import { oidcConfigFromEnv } from '../../server/auth/oidc';
import { startTestService } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/auth/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-user-cli-'));
let service: RunService | null = null;
afterAll(async () => {
  await service?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm run user', () => {
  it('creates users and tokens against a running server without stopping its database', async () => {
    service = await startRunService({ port: 0, host: '127.0.0.1', serveUi: false, dataDir: path.join(tmp, 'postgres'), workers: 0 });
    const env = { DATA_DIR: tmp };
    const created = await cli(['create', '--email', 'Dana@Example.org', '--name', 'Dana', '--role', 'admin'], env, 'a long enough password\n');
    expect(created.stderr).toMatch(/Using the running server's embedded database/);
    expect(created.stdout).toBe('Created admin Dana <dana@example.org>.\n');
    expect(created.code).toBe(0);
    const token = await cli(['token', '--email', 'dana@example.org', '--label', 'ci'], env);
    expect(token.code).toBe(0);
    const key = token.stdout.trim();
    expect(key).toMatch(/^emnist_\w+$/);
    // The server's database still runs, and the token works on its API.
    const res = await fetch(`${service.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: '{ me { name role } apiTokens { label } }' }) });
    expect((await res.json()).data).toEqual({ me: { name: 'Dana', role: 'ADMIN' }, apiTokens: [{ label: 'ci' }] });
    // Mistakes are named, with the usage.
    const bad = await cli(['create', '--email', 'x@example.org', '--name', 'X', '--role', 'owner'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/create needs --name and --role admin\|member\|viewer/);
    const dup = await cli(['create', '--email', 'dana@example.org', '--name', 'Dana', '--role', 'member'], env, 'another password!');
    expect(dup.stderr).toMatch(/email: a user with dana@example.org exists already/);
    const short = await cli(['create', '--email', 'e@example.org', '--name', 'E', '--role', 'member'], env, 'short');
    expect(short.stderr).toMatch(/password: at least 10 characters/);
    // The audit trail says the CLI did it.
    const pool = newPool({ connectionString: service.databaseUrl });
    const { rows } = await pool.query(`SELECT "action", "via", "actorName" FROM "AuditEntry" ORDER BY "id"`);
    await pool.end();
    expect(rows.map((r) => `${r.action} ${r.via}`)).toEqual(['createUser cli', 'createApiToken cli']);
    expect(rows[0].actorName).toMatch(/^cli \(.+@.+\)$/);
  });

  it('starts and stops the embedded database itself when no server runs, and generates a password', async () => {
    await service!.close();
    service = null;
    const created = await cli(['create', '--email', 'erin@example.org', '--name', 'Erin', '--role', 'viewer'], { DATA_DIR: tmp });
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/started for this command, stopped after/);
    expect(created.stdout).toMatch(/^Created viewer Erin <erin@example.org>\.\nPassword \(shown once; change it after signing in\): [\w-]{24}\n$/);
    expect(fs.existsSync(path.join(tmp, 'postgres', 'postmaster.pid'))).toBe(false);
    const list = await cli(['list'], { DATA_DIR: tmp });
    expect(list.stdout).toMatch(/dana@example.org\tDana\tadmin\nerin@example.org\tErin\tviewer/);
  });
});

describe('OIDC configuration', () => {
  it('is off without OIDC_ISSUER and refuses half a configuration by name', () => {
    expect(oidcConfigFromEnv({} as NodeJS.ProcessEnv)).toBeNull();
    expect(() => oidcConfigFromEnv({ OIDC_CLIENT_ID: 'x' } as unknown as NodeJS.ProcessEnv)).toThrow(/OIDC_CLIENT_ID set without OIDC_ISSUER/);
    expect(() => oidcConfigFromEnv({ OIDC_ISSUER: 'https://idp.invalid/realms/team' } as unknown as NodeJS.ProcessEnv)).toThrow(/OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are not/);
    expect(() => oidcConfigFromEnv({ OIDC_ISSUER: 'http://idp.invalid', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' } as unknown as NodeJS.ProcessEnv)).toThrow(/must be an https:\/\/ URL/);
    expect(() => oidcConfigFromEnv({ OIDC_ISSUER: 'https://idp.invalid', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', OIDC_DEFAULT_ROLE: 'owner' } as unknown as NodeJS.ProcessEnv)).toThrow(/OIDC_DEFAULT_ROLE must be/);
  });

  it('signs in through a (local stand-in) provider found by discovery: the browser is sent to its authorization endpoint with PKCE', async () => {
    // A stand-in for the identity provider on this machine: only its discovery document is needed here.
    const idp = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      if (req.url === '/realms/team/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          issuer: `${base}/realms/team`, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, userinfo_endpoint: `${base}/userinfo`,
          jwks_uri: `${base}/jwks`, id_token_signing_alg_values_supported: ['RS256'],
        }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/realms/team`;
    const env = { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'dashboard', OIDC_CLIENT_SECRET: 's3cret', OIDC_NAME: 'Team SSO', OIDC_DEFAULT_ROLE: 'member' };
    const oidc = oidcConfigFromEnv(env as unknown as NodeJS.ProcessEnv)!;
    expect(oidc).toMatchObject({ name: 'Team SSO', defaultRole: 'member' });
    expect(oidc.provider).toMatchObject({ providerId: 'oidc', discoveryUrl: `${issuer}/.well-known/openid-configuration`, clientId: 'dashboard', scopes: ['openid', 'email', 'profile'], pkce: true });
    Object.assign(process.env, env);
    const svc = await startTestService().finally(() => Object.keys(env).forEach((k) => delete process.env[k]));
    try {
      expect((await svc.gqlAs(null, '{ setupState { oidcName } }')).data.setupState.oidcName).toBe('Team SSO');
      const res = await fetch(`${svc.url}/api/auth/sign-in/social`, { method: 'POST', headers: { 'content-type': 'application/json', origin: svc.url }, body: JSON.stringify({ provider: 'oidc', callbackURL: '/' }) });
      expect(res.status).toBe(200);
      const to = new URL((await res.json()).url);
      expect(`${to.origin}${to.pathname}`).toBe(`${new URL(issuer).origin}/auth`);
      expect(to.searchParams.get('client_id')).toBe('dashboard');
      expect(to.searchParams.get('redirect_uri')).toBe(`${svc.url}/api/auth/callback/oidc`);
      expect(to.searchParams.get('code_challenge_method')).toBe('S256');
      expect(to.searchParams.get('scope')).toBe('openid email profile');
    } finally {
      await svc.stopAll();
      idp.close();
    }
  });
});
