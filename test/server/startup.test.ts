/**
 * What a user sees when the server cannot start where it is started: one line that says what is wrong
 * and what to do (exit code 1, no stack trace, no hang), and, as root from a private folder, a server
 * that works anyway. Each case runs the real entry point (`tsx server/main.ts`) in a child process.
 * The root cases need a root test process and are skipped (saying so) otherwise.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToExit, startUntil, tsxCommand } from '../helpers/process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const asRoot = process.getuid?.() === 0;
const STACK_LINE = /^\s+at\s/m;

/** Lines a user reads on the terminal, without blank ones. */
const linesOf = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, PORT: '0', HOST: '127.0.0.1', SERVE_UI: '0', WORKERS: '0', DATABASE_URL: '', NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

/** This process's environment without the variables vitest sets for its workers (a nested run would obey them). */
const outsideVitest = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))) as NodeJS.ProcessEnv;


describe('a DATA_DIR that cannot be used', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-startup-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('pointing at a file: one line naming the file and the setting, exit 1', async () => {
    const file = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const r = await runToExit(...tsxCommand('server/main.ts'), { cwd: ROOT, env: serverEnv({ DATA_DIR: file }) });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`[server] DATA_DIR=${file}: ${file} is a file, not a folder. Point DATA_DIR at a folder you can write to (it is created if missing).`]);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });

  it('under a parent that is a file: the same one line, naming the file', async () => {
    const file = path.join(tmp, 'file-parent');
    fs.writeFileSync(file, 'x');
    const r = await runToExit(...tsxCommand('server/main.ts'), { cwd: ROOT, env: serverEnv({ DATA_DIR: path.join(file, 'data') }) });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`${file} is a file, not a folder`);
  });

  it('where no folder can be created (/proc/1/nope): one line within seconds, not a spin', async () => {
    const r = await runToExit(...tsxCommand('server/main.ts'), { cwd: ROOT, env: serverEnv({ DATA_DIR: '/proc/1/nope' }) }, 60_000);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual(['[server] DATA_DIR=/proc/1/nope: cannot create /proc/1/nope (folders cannot be created there). Point DATA_DIR at a folder you can write to (it is created if missing).']);
  });
});

/**
 * A checkout in a folder only root can enter, as `mktemp -d` makes: the tracked tree copied, and
 * node_modules hard-linked (as fast as a symlink, but, unlike one, really inside the private folder).
 */
function privateCheckout(): { privateDir: string; checkout: string } {
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-private-'));
  expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
  const checkout = path.join(privateDir, 'checkout');
  fs.mkdirSync(checkout);
  const skip = new Set(['node_modules', '.git', '.next', '.data', 'models', 'runs', 'results', 'screenshots', 'coverage']);
  for (const entry of fs.readdirSync(ROOT)) {
    if (!skip.has(entry)) fs.cpSync(path.join(ROOT, entry), path.join(checkout, entry), { recursive: true, verbatimSymlinks: true });
  }
  const linked = spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules')], { encoding: 'utf8' });
  expect(linked.status, linked.stderr).toBe(0);
  // Caches are written to in place; never share those inodes with the real checkout.
  for (const cache of ['.cache', '.vite', '.scratch']) fs.rmSync(path.join(checkout, 'node_modules', cache), { recursive: true, force: true });
  return { privateDir, checkout };
}

describe.skipIf(!asRoot)('as root, from a checkout in a private (0700) folder (skipped unless the tests run as root)', () => {
  let privateDir: string;
  let checkout: string;
  let shared: string;
  beforeAll(() => {
    ({ privateDir, checkout } = privateCheckout());
    // Where binaries and relocated databases go (the default is /var/lib/emnist-dashboard): an open
    // folder of the test's own, removed afterwards.
    shared = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-shared-'));
    fs.chmodSync(shared, 0o755);
  });
  afterAll(() => {
    fs.rmSync(privateDir, { recursive: true, force: true });
    fs.rmSync(shared, { recursive: true, force: true });
  });

  it('the server starts and answers: binaries copied, the database moved where postgres can reach it (twice: restart too)', async () => {
    for (const round of [1, 2]) {
      const server = await startUntil(...tsxCommand('server/main.ts'), { cwd: checkout, env: serverEnv({ EMBEDDED_PG_SHARED_DIR: shared, ANONYMOUS_ROLE: 'viewer' }) }, /ready on (http:\/\/\S+)/);
      try {
        // Read-only anonymous browsing, so the query proves the database answers without making an account.
        const res = await fetch(`${server.match[1]}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ system { workers } runs(first: 1) { totalCount } }' }),
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ data: { system: { workers: 0 }, runs: { totalCount: 0 } } });
        const dataDir = path.join(checkout, '.data', 'postgres');
        const real = fs.realpathSync(dataDir);
        expect(fs.lstatSync(dataDir).isSymbolicLink()).toBe(true);
        expect(real.startsWith(path.join(shared, 'clusters') + path.sep)).toBe(true);
        expect(server.output()).toContain(round === 1 ? `so the database lives in ${real} (linked from ${dataDir}` : `the database of ${dataDir} lives in ${real}`);
        if (round === 1) expect(server.output()).toContain(`copied the PostgreSQL binaries to ${shared}`);
        expect(fs.statSync(path.join(checkout, '.data', 'postgres.password')).mode & 0o777).toBe(0o600);
        expect(server.output()).not.toMatch(STACK_LINE);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    }
  });

  it('when postgres cannot be given what it needs: one line with the three ways out, exit 1, fast', async () => {
    const closed = path.join(privateDir, 'shared'); // inside the private folder: out of postgres's reach
    const r = await runToExit(...tsxCommand('server/main.ts'), { cwd: checkout, env: serverEnv({ EMBEDDED_PG_SHARED_DIR: closed, DATA_DIR: path.join(checkout, '.data-closed') }) }, 60_000);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    const lines = linesOf(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[server\] Cannot start the embedded PostgreSQL as root: .*'postgres'.*cannot run the copied binaries in .*\(.*closed.*\)/);
    expect(lines[0]).toContain('run as a normal user; move the checkout to a folder every user can enter');
    expect(lines[0]).toContain('or set DATABASE_URL');
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });

  it('the test suite stops at once with that line instead of waiting out its hooks', async () => {
    const closed = path.join(privateDir, 'shared');
    const r = await runToExit(
      path.join(checkout, 'node_modules/.bin/vitest'),
      ['run', 'test/server/database.test.ts'],
      { cwd: checkout, env: { ...outsideVitest(), EMBEDDED_PG_SHARED_DIR: closed, CHROMIUM_PATH: '/nonexistent' } },
      90_000,
    );
    expect(r.timedOut).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/\[test\] Cannot start the embedded PostgreSQL as root: .*or set DATABASE_URL/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });
});
