/**
 * Issue 24, finding 8: while the embedded PostgreSQL restarts, a valid API token is answered 503 "try
 * again", never 401 "wrong, revoked or expired"; once it is back the same token works, and a wrong
 * token is still 401.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmasterPid } from './faults';
import { startTestService, waitFor, type TestService } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stopAll());

const ask = (token: string) => fetch(`${svc.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { name } }' }) });

describe('a token checked while the database restarts', () => {
  it('gets 503 try again, not 401, and works once the database is back', async () => {
    const member = await svc.createUser('member', 'Mona'); // a token never checked yet: nothing cached
    process.kill(postmasterPid(path.join(svc.tmp, 'pg')), 'SIGKILL');
    const down = await ask(member.token);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('2');
    const body = await down.json();
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/cannot be checked right now .*try again in a few seconds/), extensions: { code: 'SERVICE_UNAVAILABLE' } });
    const back = await waitFor(async () => {
      const res = await ask(member.token);
      return res.status === 200 && res;
    }, 60_000, 200);
    expect((await back.json()).data.me.name).toBe('Mona');
    expect((await ask('emnist_not-a-token')).status).toBe(401);
  });
});
