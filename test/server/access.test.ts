/**
 * Team access end to end against a real server and database: who may do what (anonymous, viewer,
 * member, admin; over HTTP and WebSocket), API tokens (work on both, stop once revoked, last use
 * recorded), the Host and Origin checks, introspection, the audit trail (one entry per mutation, a
 * run's own history, append-only), the first-admin page and ANONYMOUS_ROLE.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collect, startTestService, TINY, waitFor, type TestService, type TestUser } from './helpers';

const LAUNCH = 'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id owner ownerId can { cancel delete rename annotate } } }';
const launchInput = (name: string) => ({ input: { name, dataset: 'mnist', config: TINY } });
const code = (r: { errors?: { extensions?: any }[] }) => r.errors?.[0]?.extensions?.code;
/** Subscribes to run changes on `client` and resolves once a change made after it has arrived (so the socket is really open). */
async function liveChanges(client: ReturnType<TestService['ws']>) {
  const changes = collect(client, 'subscription { runsChanged { kind runId } }', {}, (d) => d.runsChanged);
  await waitFor(async () => {
    const id = (await erin.gql(LAUNCH, launchInput('socket watch'))).data.launchRun.id;
    await new Promise((r) => setTimeout(r, 200));
    return changes.values.some((c: { runId: string }) => c.runId === id);
  }, 10_000);
  return changes;
}

/** The close code that ended a running subscription. */
async function closeCode(sub: ReturnType<typeof collect>): Promise<number | undefined> {
  await waitFor(async () => sub.errors.length > 0, 10_000);
  return (sub.errors[0] as { code?: number }).code;
}

const countRuns = async (svc: TestService) => (await svc.gql('{ runs { totalCount } }')).data.runs.totalCount as number;

/** The close code (or HTTP status) a graphql-ws client gets when it tries to subscribe. */
async function refusal(client: ReturnType<TestService['ws']>): Promise<number | undefined> {
  const sub = collect(client, 'subscription { runsChanged { kind } }', {}, (d) => d);
  await waitFor(async () => sub.errors.length > 0, 10_000);
  return (sub.errors[0] as { code?: number }).code;
}

/** Raw upgrade with chosen headers: resolves with the HTTP status of a refusal, or 101. */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}

function rawRequest(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ presets { name } }' }));
  });
}

let svc: TestService;
let viewer: TestUser;
let dana: TestUser;
let erin: TestUser;

beforeAll(async () => {
  svc = await startTestService();
  viewer = await svc.createUser('viewer', 'Vic Viewer');
  dana = await svc.createUser('member', 'Dana');
  erin = await svc.createUser('member', 'Erin');
});
afterAll(async () => svc?.stopAll());

describe('roles', () => {
  it('refuses anonymous mutations over HTTP and anonymous sockets', async () => {
    const res = await svc.gqlAs(null, LAUNCH, launchInput('anon'));
    expect(code(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0].message).toMatch(/Sign in first/);
    expect(code(await svc.gqlAs(null, '{ runs { totalCount } }'))).toBe('UNAUTHENTICATED');
    expect(await refusal(svc.wsAs(null))).toBe(4403);
    expect(await countRuns(svc)).toBe(0);
  });

  it('lets a viewer read but not launch', async () => {
    expect((await viewer.gql('{ runs { totalCount } me { name role } }')).data).toEqual({ runs: { totalCount: 0 }, me: { name: 'Vic Viewer', role: 'VIEWER' } });
    const res = await viewer.gql(LAUNCH, launchInput('viewer run'));
    expect(code(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toMatch(/launchRun needs the member role; you are a viewer/);
    expect(code(await viewer.gql('mutation { launchStudy(input: { dataset: "mnist" }) { id } }'))).toBe('FORBIDDEN');
    expect(await countRuns(svc)).toBe(0);
  });

  it("keeps a member's hands off another member's run; the admin may; anyone may tag", async () => {
    const run = (await dana.gql(LAUNCH, launchInput('dana run'))).data.launchRun;
    expect(run).toMatchObject({ owner: 'Dana', ownerId: dana.id, can: { cancel: true, delete: true, rename: true, annotate: true } });
    const seenByErin = (await erin.gql('query($id: ID!) { run(id: $id) { owner can { cancel delete rename annotate } } }', { id: run.id })).data.run;
    expect(seenByErin).toEqual({ owner: 'Dana', can: { cancel: false, delete: false, rename: false, annotate: true } });

    const cancel = await erin.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: run.id });
    expect(code(cancel)).toBe('FORBIDDEN');
    expect(cancel.errors![0].message).toMatch(/may not cancel run .*: it belongs to Dana, and only its owner or an admin may/);
    expect(code(await erin.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: run.id }))).toBe('FORBIDDEN');
    expect(code(await erin.gql('mutation($id: ID!) { updateRun(id: $id, input: { name: "mine now" }) { name } }', { id: run.id }))).toBe('FORBIDDEN');
    // Tags and notes are open to every member.
    expect((await erin.gql('mutation($id: ID!) { updateRun(id: $id, input: { tags: ["reviewed"], notes: "looks fine" }) { tags } }', { id: run.id })).data.updateRun.tags).toEqual(['reviewed']);
    expect((await svc.gql('query($id: ID!) { run(id: $id) { status } }', { id: run.id })).data.run.status).toBe('QUEUED');

    expect((await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: run.id })).data.cancelRun.status).toBe('CANCELLED');
    expect((await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: run.id })).data.deleteRun).toBe(true);
    // A member's own run is theirs to cancel and delete.
    const own = (await erin.gql(LAUNCH, launchInput('erin run'))).data.launchRun.id;
    expect((await erin.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: own })).data.cancelRun.status).toBe('CANCELLED');
    expect((await erin.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: own })).data.deleteRun).toBe(true);
  });

  it('takes no queries or mutations over the socket, only subscriptions', async () => {
    const run = (await dana.gql(LAUNCH, launchInput('socket target'))).data.launchRun;
    const result = await new Promise<any>((resolve) => {
      let value: any;
      dana.ws().subscribe({ query: 'mutation($id: ID!) { cancelRun(id: $id) { status } }', variables: { id: run.id } }, { next: (v) => (value = v), error: resolve, complete: () => resolve(value) });
    });
    expect(JSON.stringify(result)).toMatch(/The socket carries subscriptions only; send mutations as HTTP POST to \/graphql/);
    expect((await dana.gql('query($id: ID!) { run(id: $id) { status } }', { id: run.id })).data.run.status).toBe('QUEUED');
    await dana.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: run.id });
  });

  it('keeps user management and the audit trail to admins', async () => {
    expect(code(await dana.gql('{ users { id } }'))).toBe('FORBIDDEN');
    expect(code(await dana.gql('{ auditLog { entries { id } } }'))).toBe('FORBIDDEN');
    expect(code(await dana.gql('mutation { createUser(input: { email: "x@y.z", name: "X", role: ADMIN }) { user { id } } }'))).toBe('FORBIDDEN');
    expect(code(await dana.gql(`mutation { updateUser(id: "${dana.id}", input: { role: ADMIN }) { role } }`))).toBe('FORBIDDEN');
  });
});

/** Opens a graphql-ws socket with a token: 'ack' once accepted, else the close code. */
function openSocket(url: string, token: string): Promise<{ result: 'ack' | number; ws: WebSocket }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
  return new Promise((resolve) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (m) => JSON.parse(String(m)).type === 'connection_ack' && resolve({ result: 'ack', ws }));
    ws.on('close', (code) => resolve({ result: code, ws }));
  });
}

describe('API tokens', () => {
  it('are capped per account, and revoking one makes room (issue 24)', async () => {
    const owner = await svc.createUser('member', 'Tom'); // holds one token already
    const create = (label: string) => owner.gql('mutation($l: String!) { createApiToken(label: $l) { apiToken { id } } }', { l: label });
    for (let i = 1; i < 20; i++) expect((await create(`t${i}`)).errors).toBeUndefined();
    const refused = await create('one too many');
    expect(refused.errors![0]).toMatchObject({ message: expect.stringMatching(/^You have 20 API tokens, the most one account may hold \(MAX_API_TOKENS_PER_USER=20\); revoke tokens/), extensions: { code: 'QUOTA_EXCEEDED' } });
    const some = (await owner.gql('{ apiTokens { id label } }')).data.apiTokens.find((t: { label: string }) => t.label === 't1');
    await owner.gql('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: some.id });
    expect((await create('after a revoke')).errors).toBeUndefined();
  });

  it('open at most 100 sockets per account, idle or not (issue 24)', async () => {
    const owner = await svc.createUser('viewer', 'Sid');
    const sockets = await Promise.all(Array.from({ length: 100 }, () => openSocket(svc.url, owner.token)));
    expect(sockets.every((s) => s.result === 'ack')).toBe(true);
    const extra = await openSocket(svc.url, owner.token);
    expect(extra.result).toBe(4429);
    expect((await openSocket(svc.url, viewer.token)).result).toBe('ack'); // another account is not affected
    sockets[0].ws.close();
    await waitFor(async () => {
      const again = await openSocket(svc.url, owner.token);
      again.ws.close();
      return again.result === 'ack';
    }, 10_000);
    for (const s of sockets) s.ws.close();
  });

  it('work on HTTP and the socket, record their last use, and stop working once revoked', async () => {
    const created = (await dana.gql('mutation { createApiToken(label: "ci") { token apiToken { id label start lastUsedAt } } }')).data.createApiToken;
    expect(created.token).toMatch(/^emnist_/);
    expect(created.token.startsWith(created.apiToken.start)).toBe(true);
    expect(created.apiToken).toMatchObject({ label: 'ci', lastUsedAt: null });
    // Stored hashed: the token itself is nowhere in the table.
    const stored = await svc.access.pool.query('SELECT "key" FROM "ApiKey" WHERE "id" = $1', [created.apiToken.id]);
    expect(stored.rows[0].key).not.toContain(created.token.slice(8));

    expect((await svc.gqlAs(created.token, '{ me { name via } }')).data.me).toEqual({ name: 'Dana', via: 'token' });
    const socket = svc.wsAs(created.token);
    const changes = collect(socket, 'subscription { runsChanged { kind runId } }', {}, (d) => d.runsChanged);
    // The socket's subscription is live once a change made after it arrives (retry: it may not be set up yet).
    await waitFor(async () => {
      const id = (await svc.gql(LAUNCH, launchInput('token watch'))).data.launchRun.id;
      await new Promise((r) => setTimeout(r, 200));
      return changes.values.some((c) => c.runId === id);
    }, 10_000);
    const listed = (await dana.gql('{ apiTokens { id label lastUsedAt } }')).data.apiTokens.find((t: { id: string }) => t.id === created.apiToken.id);
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);

    expect((await dana.gql('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: created.apiToken.id })).data.revokeApiToken).toBe(true);
    const after = await rawRequest(svc.url, { authorization: `Bearer ${created.token}` });
    expect(after.status).toBe(401);
    expect(after.body).toMatch(/API token not accepted/);
    expect(await refusal(svc.wsAs(created.token))).toBe(4403);
    // The socket opened before the revocation is closed, and its running subscription ends with it.
    expect(await closeCode(changes)).toBe(4403);
  });

  it('keeps open sockets while the database cannot tell a good credential from a revoked one', async () => {
    const token = (await erin.gql('mutation { createApiToken(label: "outage") { token } }')).data.createApiToken.token;
    const watching = await liveChanges(svc.wsAs(token));
    const { authenticator, pool } = svc.access;
    const realQuery = pool.query.bind(pool);
    const realFromHeaders = authenticator.fromHeaders.bind(authenticator);
    let checks = 0;
    let probes = 0;
    // The outage as the re-check sees it: the database does not answer, and every credential comes back refused.
    pool.query = ((...args: Parameters<typeof pool.query>) => {
      if (args[0] !== 'SELECT 1') return realQuery(...args);
      probes += 1;
      return Promise.reject(new Error('connection refused'));
    }) as typeof pool.query;
    authenticator.fromHeaders = async () => {
      checks += 1;
      throw new Error('API token not accepted');
    };
    try {
      authenticator.forget(); // makes every socket re-check now
      await waitFor(async () => probes > 0, 10_000);
      await new Promise((r) => setImmediate(r)); // the re-check's own promise chain has run by now
      expect(watching.errors).toEqual([]);
      expect(checks).toBe(0); // no verdict was asked for while the database was down
      pool.query = realQuery as typeof pool.query; // the database answers again; the credential is still refused
      authenticator.forget();
      expect(await closeCode(watching)).toBe(4403);
    } finally {
      pool.query = realQuery as typeof pool.query;
      authenticator.fromHeaders = realFromHeaders;
    }
  });

  it("lets nobody revoke another user's token but an admin", async () => {
    const t = (await erin.gql('mutation { createApiToken(label: "erin laptop") { apiToken { id } } }')).data.createApiToken.apiToken.id;
    expect(code(await dana.gql('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: t }))).toBe('FORBIDDEN');
    expect((await svc.gql('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: t })).data.revokeApiToken).toBe(true);
  });

  it('stops a disabled account at once, tokens included', async () => {
    const frank = await svc.createUser('member', 'Frank');
    expect(code(await frank.gql('{ me { name } }'))).toBeUndefined();
    const res = await svc.gql(`mutation { updateUser(id: "${frank.id}", input: { disabled: true }) { disabled } }`);
    expect(res.data.updateUser.disabled).toBe(true);
    expect((await rawRequest(svc.url, { authorization: `Bearer ${frank.token}` })).status).toBe(401);
  });
});

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Lax session cookie and rate-limits failed attempts per address', async () => {
    const password = 'a password for sign-in tests';
    const { user } = await (await import('../../server/auth/users')).createUser(svc.access.auth, svc.access.pool, { email: 'gina@test.example', name: 'Gina', role: 'viewer', password });
    const attempt = (pw: string) =>
      fetch(`${svc.url}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: svc.url }, body: JSON.stringify({ email: 'gina@test.example', password: pw }) });
    const ok = await attempt(password);
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('emnist.session_token='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http here; PUBLIC_URL=https://… makes it Secure
    const me = await fetch(`${svc.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0] }, body: JSON.stringify({ query: '{ me { id via } }' }) });
    expect((await me.json()).data.me).toEqual({ id: user.id, via: 'session' });
    // The limit is 5 attempts a minute from one address (SIGN_IN_ATTEMPTS_PER_MINUTE); one is used.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt('wrong password')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await attempt(password)).status).toBe(429); // even the right password waits out the minute
    const signOut = await fetch(`${svc.url}/api/auth/sign-out`, { method: 'POST', headers: { 'content-type': 'application/json', origin: svc.url, cookie: cookie.split(';')[0] }, body: '{}' });
    expect(signOut.status).toBe(200);

    // The audit trail: the sign-in under Gina's name, each refused password with the email tried (the
    // rate-limited attempts never reached the check), and the sign-out.
    const log = (await svc.gql('{ auditLog(first: 20) { entries { action actorName actorId via targetUserId address detail } } }')).data.auditLog.entries
      .filter((e: { action: string }) => e.action.startsWith('sign'))
      .reverse();
    expect(log.map((e: { action: string; actorName: string }) => `${e.action} by ${e.actorName}`)).toEqual([
      'signIn by Gina',
      ...Array(4).fill('signInRefused by anonymous'),
      'signOut by Gina',
    ]);
    expect(log[0]).toMatchObject({ actorId: user.id, via: 'session', targetUserId: user.id, address: '127.0.0.1', detail: { method: 'password' } });
    expect(log[1]).toMatchObject({ actorId: null, via: 'anonymous', address: '127.0.0.1', detail: { email: 'gina@test.example' } });
    expect(log[5]).toMatchObject({ actorId: user.id, targetUserId: user.id });
  });

  it('closes the sockets of a session that signs out or changes its password, and audits the change', async () => {
    const password = 'a password for socket tests';
    const { user } = await (await import('../../server/auth/users')).createUser(svc.access.auth, svc.access.pool, { email: 'hal@test.example', name: 'Hal', role: 'viewer', password });
    // Signed in on the server side: the HTTP sign-in's limit is spent by the test above.
    const signIn = async () => {
      const res = await svc.access.auth.api.signInEmail({ body: { email: 'hal@test.example', password }, asResponse: true });
      return res.headers.getSetCookie().find((c) => c.startsWith('emnist.session_token='))!.split(';')[0];
    };
    const browserSocket = (cookie: string) =>
      svc.wsAs(null, {
        webSocketImpl: class extends WebSocket {
          constructor(url: string, protocols?: string | string[]) {
            super(url, protocols, { headers: { cookie, origin: svc.url } });
          }
        },
      });
    const post = (path: string, cookie: string, body: object) =>
      fetch(`${svc.url}/api/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: svc.url, cookie }, body: JSON.stringify(body) });

    const first = await signIn();
    const watching = await liveChanges(browserSocket(first));
    expect((await post('sign-out', first, {})).status).toBe(200);
    expect(await closeCode(watching)).toBe(4403);

    const second = await signIn();
    const stillWatching = await liveChanges(browserSocket(second));
    const changed = await post('change-password', second, { currentPassword: password, newPassword: 'a new password for socket tests', revokeOtherSessions: true });
    expect(changed.status).toBe(200);
    expect(await closeCode(stillWatching)).toBe(4403); // the old session's socket; the browser got a new cookie

    const log = (await svc.gql('{ auditLog(first: 20) { entries { action actorId targetUserId } } }')).data.auditLog.entries
      .filter((e: { actorId: string }) => e.actorId === user.id)
      .reverse();
    // The fresh session the password change hands out is not a sign-in.
    expect(log.map((e: { action: string }) => e.action)).toEqual(['signIn', 'signOut', 'signIn', 'passwordChanged']);
    expect(log[3]).toMatchObject({ targetUserId: user.id });
  });

  it('locks an account after 10 failed sign-ins from any addresses, and no other account (issue 24)', async () => {
    const password = 'a password for lockout tests';
    const users = await import('../../server/auth/users');
    await users.createUser(svc.access.auth, svc.access.pool, { email: 'lou@test.example', name: 'Lou', role: 'viewer', password });
    await users.createUser(svc.access.auth, svc.access.pool, { email: 'max@test.example', name: 'Max', role: 'viewer', password });
    const { CLIENT_IP_HEADER } = await import('../../server/auth/auth');
    // Server-side calls skip the per-address rate limit: each "comes from" another address, as rotated loopback addresses did.
    const attempt = (email: string, pw: string, i: number) =>
      svc.access.auth.api.signInEmail({ body: { email, password: pw }, headers: new Headers({ [CLIENT_IP_HEADER]: `127.0.0.${10 + i}` }), asResponse: true });
    for (let i = 0; i < 10; i++) expect((await attempt('lou@test.example', 'wrong password', i)).status).toBe(401);
    // The refusal comes from a hook before the endpoint: the server-side call throws it (over HTTP it is the 429 answer).
    const locked = await attempt('LOU@test.example', password, 11).then(
      async (r) => ({ status: r.status, message: ((await r.json()) as { message: string }).message }),
      (e: { statusCode: number; message: string }) => ({ status: e.statusCode, message: e.message }),
    );
    expect(locked.status).toBe(429);
    expect(locked.message).toMatch(/^Too many failed sign-ins for this account \(10 in 15 minutes, SIGN_IN_FAILURES_PER_ACCOUNT\); wait 15 minutes/);
    expect((await attempt('max@test.example', password, 12)).status).toBe(200);
  });

  it('refuses sign-in, sign-out and password changes from a foreign origin or in form encodings (login CSRF)', async () => {
    const password = 'a password for csrf tests';
    await (await import('../../server/auth/users')).createUser(svc.access.auth, svc.access.pool, { email: 'ivy@test.example', name: 'Ivy', role: 'viewer', password });
    const cookie = (await svc.access.auth.api.signInEmail({ body: { email: 'ivy@test.example', password }, asResponse: true })).headers.getSetCookie().find((c) => c.startsWith('emnist.session_token='))!.split(';')[0];
    const post = (path: string, headers: Record<string, string>, body: string) => fetch(`${svc.url}/api/auth/${path}`, { method: 'POST', headers, body });
    const json = JSON.stringify({ email: 'ivy@test.example', password });
    const form = new URLSearchParams({ email: 'ivy@test.example', password }).toString();

    const foreign = await post('sign-in/email', { 'content-type': 'application/json', origin: 'http://evil.example' }, json);
    expect(foreign.status).toBe(403);
    expect(foreign.headers.getSetCookie()).toEqual([]);
    expect(await foreign.text()).toMatch(/^Sign-in requests from origin http:\/\/evil\.example are refused/);
    // Another port of the same machine is another origin.
    expect((await post('sign-in/email', { 'content-type': 'application/x-www-form-urlencoded', origin: svc.url.replace(/:\d+$/, ':9') }, form)).status).toBe(403);
    const formed = await post('sign-in/email', { 'content-type': 'application/x-www-form-urlencoded', origin: svc.url }, form);
    expect(formed.status).toBe(415);
    expect(formed.headers.getSetCookie()).toEqual([]);
    // The victim's session survives a foreign or text/plain sign-out and a foreign password change.
    expect((await post('sign-out', { 'content-type': 'text/plain', cookie }, '')).status).toBe(415);
    expect((await post('sign-out', { 'content-type': 'application/json', origin: 'http://evil.example', cookie }, '{}')).status).toBe(403);
    expect((await post('change-password', { 'content-type': 'application/json', origin: 'http://evil.example', cookie }, JSON.stringify({ currentPassword: password, newPassword: 'attacker chose this' }))).status).toBe(403);
    const me = await fetch(`${svc.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query: '{ me { name via } }' }) });
    expect((await me.json()).data.me).toEqual({ name: 'Ivy', via: 'session' });
  });
});

describe('HTTP and WebSocket hardening', () => {
  it('refuses a WebSocket from a foreign Origin and accepts our own', async () => {
    const host = new URL(svc.url).host;
    expect(await upgrade(svc.url, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(svc.url, { origin: `http://${host.replace('127.0.0.1', 'localhost')}` })).toBe(403); // another origin, though the same machine
    expect(await upgrade(svc.url, { origin: `http://${host}` })).toBe(101);
  });

  it('refuses a request for a foreign Host (DNS rebinding)', async () => {
    const res = await rawRequest(svc.url, { host: 'evil.example', authorization: `Bearer ${svc.admin.token}` });
    expect(res.status).toBe(421);
    expect(res.body).toMatch(/ALLOWED_HOSTS/);
    expect(await upgrade(svc.url, { host: 'evil.example' })).toBe(421);
    expect((await rawRequest(svc.url, { host: 'localhost', authorization: `Bearer ${svc.admin.token}` })).status).toBe(200);
  });

  it('never copies a Host that is not a plain authority into the CSP', async () => {
    const port = new URL(svc.url).port;
    const injected = await rawRequest(svc.url, { host: `localhost:${port}; script-src *`, authorization: `Bearer ${svc.admin.token}` });
    expect(injected.status).toBe(421);
    expect(injected.headers['content-security-policy']).not.toMatch(/script-src \*/);
    expect(injected.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[^']+'; .*connect-src 'self'; frame-ancestors/);
    expect(await upgrade(svc.url, { host: `localhost:${port}; script-src *` })).toBe(421);
    const plain = await rawRequest(svc.url, { host: `localhost:${port}`, authorization: `Bearer ${svc.admin.token}` });
    expect(plain.headers['content-security-policy']).toMatch(new RegExp(`connect-src 'self' ws://localhost:${port} wss://localhost:${port};`));
  });

  it('sends the security headers on every response', async () => {
    const res = await rawRequest(svc.url, {});
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    const health = await fetch(`${svc.url}/healthz`);
    expect(health.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('keeps introspection for signed-in callers', async () => {
    expect((await viewer.gql('{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
    const anon = await svc.gqlAs(null, '{ __type(name: "Run") { name } }');
    expect(anon.errors![0].message).toMatch(/Introspection is available to signed-in users only/);
  });
});

describe('audit trail', () => {
  it('records every state-changing mutation with who, what, which run and from where', async () => {
    const before = (await svc.gql('{ auditLog(first: 1) { entries { id } } }')).data.auditLog.entries[0]?.id ?? '0';
    const run = (await dana.gql(LAUNCH, launchInput('audited'))).data.launchRun.id;
    const clone = (await dana.gql('mutation($id: ID!) { cloneRun(id: $id, name: "audited clone") { id } }', { id: run })).data.cloneRun.id;
    await erin.gql('mutation($id: ID!) { updateRun(id: $id, input: { tags: ["x"] }) { id } }', { id: run });
    await dana.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: run });
    await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: clone });
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: clone });
    const study = (await dana.gql('mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 1, hidden: [8] } }) { id runs { id } } }')).data.launchStudy;
    const user = (await svc.gql('mutation { createUser(input: { email: "gus@test.example", name: "Gus", role: VIEWER }) { user { id } generatedPassword } }')).data.createUser;
    expect(user.generatedPassword).toHaveLength(24);
    await svc.gql(`mutation { updateUser(id: "${user.user.id}", input: { role: MEMBER, queuedRunLimit: 3 }) { role } }`);
    const token = (await dana.gql('mutation { createApiToken(label: "audit") { apiToken { id } } }')).data.createApiToken.apiToken.id;
    await dana.gql('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: token });
    // A refused mutation changes nothing and records nothing.
    await erin.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: run });

    const log = (await svc.gql('{ auditLog(first: 50) { entries { id actorName via action runId groupId targetUserId address detail } } }')).data.auditLog.entries
      .filter((e: { id: string }) => BigInt(e.id) > BigInt(before))
      .reverse();
    expect(log.map((e: { action: string; actorName: string }) => `${e.action} by ${e.actorName}`)).toEqual([
      'launchRun by Dana',
      'cloneRun by Dana',
      'updateRun by Erin',
      'cancelRun by Dana',
      'cancelRun by Test Admin',
      'deleteRun by Test Admin',
      'launchStudy by Dana',
      'createUser by Test Admin',
      'updateUser by Test Admin',
      'createApiToken by Dana',
      'revokeApiToken by Dana',
    ]);
    expect(log[0]).toMatchObject({ runId: run, via: 'token', address: '127.0.0.1', detail: { name: 'audited', dataset: 'mnist' } });
    expect(log[1]).toMatchObject({ runId: clone, detail: { from: run } });
    expect(log[2].detail).toEqual({ tags: ['x'] });
    expect(log[5]).toMatchObject({ runId: clone, detail: { name: 'audited clone' } });
    expect(log[6]).toMatchObject({ groupId: study.id, detail: { runs: study.runs.length } });
    expect(log[7].targetUserId).toBe(user.user.id);
    expect(log[8].detail).toEqual({ role: 'MEMBER', queuedRunLimit: 3 });
    expect(log[9].detail).toMatchObject({ tokenId: token, label: 'audit' });

    // The run page's history; the study launch shows on each of its runs.
    const history = (await svc.gql('query($id: ID!) { run(id: $id) { history { action actorName at } } }', { id: run })).data.run.history;
    expect(history.map((h: { action: string; actorName: string }) => `${h.action} by ${h.actorName}`)).toEqual(['launchRun by Dana', 'updateRun by Erin', 'cancelRun by Dana']);
    const studyRun = (await svc.gql('query($id: ID!) { run(id: $id) { history { action actorName } } }', { id: study.runs[0].id })).data.run.history;
    expect(studyRun).toEqual([{ action: 'launchStudy', actorName: 'Dana' }]);
    // Where each actor came from is the audit log's (admins only), not every reader's (issue 24).
    const addresses = async (as: { gql: TestService['gql'] }) => (await as.gql('query($id: ID!) { run(id: $id) { history { address } } }', { id: run })).data.run.history.map((h: { address: string | null }) => h.address);
    expect(await addresses(svc)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(await addresses(viewer)).toEqual([null, null, null]);
    const filtered = (await svc.gql(`{ auditLog(filter: { action: "cancelRun", actorId: "${dana.id}" }) { entries { runId } } }`)).data.auditLog.entries;
    expect(filtered.map((e: { runId: string }) => e.runId)).toContain(run);
  });

  it('is append-only, even for the database owner', async () => {
    await expect(svc.access.pool.query('UPDATE "AuditEntry" SET "actorName" = \'someone else\'')).rejects.toThrow(/append-only/);
    await expect(svc.access.pool.query('DELETE FROM "AuditEntry"')).rejects.toThrow(/append-only/);
  });
});

describe('the first admin and anonymous browsing', () => {
  it('opens /setup once, locally or with the setup code', async () => {
    const fresh = await startTestService({}, { admin: false });
    try {
      expect(fresh.setupCode).toMatch(/^[\w-]{12}$/);
      expect((await fresh.gqlAs(null, '{ setupState { needed local } }')).data.setupState).toEqual({ needed: true, local: true });
      const input = { email: 'root@test.example', name: 'Root', password: 'correct horse battery' };
      const SETUP = 'mutation($input: SetupInput!) { setupFirstAdmin(input: $input) { name role } }';
      // Through a proxy (or from another machine) the code is needed.
      const viaProxy = (body: object) =>
        fetch(`${fresh.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' }, body: JSON.stringify({ query: SETUP, variables: body }) }).then((r) => r.json());
      expect((await viaProxy({ input })).errors[0].message).toMatch(/needs the setup code printed in the server log/);
      expect((await viaProxy({ input: { ...input, setupCode: 'wrong' } })).errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await viaProxy({ input: { ...input, setupCode: fresh.setupCode } })).data.setupFirstAdmin).toEqual({ name: 'Root', role: 'ADMIN' });
      const again = await fresh.gqlAs(null, SETUP, { input: { ...input, email: 'second@test.example' } });
      expect(again.errors![0].message).toMatch(/first-admin page is closed/);
      expect((await fresh.gqlAs(null, '{ setupState { needed } }')).data.setupState.needed).toBe(false);
    } finally {
      await fresh.stopAll();
    }
  });

  it('ANONYMOUS_ROLE=viewer opens reading, never writing', async () => {
    process.env.ANONYMOUS_ROLE = 'viewer';
    const open = await startTestService().finally(() => delete process.env.ANONYMOUS_ROLE);
    try {
      expect((await open.gqlAs(null, '{ runs { totalCount } me { role via } }')).data).toEqual({ runs: { totalCount: 0 }, me: { role: 'VIEWER', via: 'anonymous' } });
      expect(code(await open.gqlAs(null, LAUNCH, launchInput('anon')))).toBe('FORBIDDEN');
      expect((await open.gqlAs(null, '{ __schema { queryType { name } } }')).errors![0].message).toMatch(/Introspection/);
    } finally {
      await open.stopAll();
    }
  });
});
