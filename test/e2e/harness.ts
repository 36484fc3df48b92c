/**
 * What the browser tests and the screenshot script share: find Debian's chromium, build Next.js once,
 * start the real server (`tsx server/main.ts`) on port 0 with its own fresh embedded database, talk
 * GraphQL to it, and open a headless browser with the flags this environment needs and a fresh
 * profile; startBrowserSuite is all of that at the start of a browser test file. Never downloads a
 * browser (no `npx playwright install`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildPages } from '../../scripts/build-pages';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH, when set, is the only candidate (so a wrong path skips rather than silently falling back). */
export function findChromium(): string | null {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return fs.existsSync(explicit) ? explicit : null;
  for (const p of CHROMIUM_PATHS) if (fs.existsSync(p)) return p;
  return null;
}

/**
 * Runs `next build` unless .next holds a build of the current sources (content fingerprint, shared with
 * `npm start`: scripts/build-pages.ts); force always builds. Returns the seconds it took (0 when the
 * existing build was current).
 */
export function buildNext({ force = false } = {}): number {
  const outcome = buildPages({ force, quiet: true });
  return outcome.built ? outcome.seconds : 0;
}

export interface TestServer {
  url: string;
  dataDir: string;
  /** The first admin, created through the first-admin mutation; gqlAt acts with its API token. */
  admin: { name: string; email: string; password: string; token: string } | null;
  log: () => string;
  stop: () => Promise<void>;
}

/** API token per server URL, so gqlAt(url, …) calls act as that server's admin. */
const tokens = new Map<string, string>();

/** Creates the first admin (allowed from this machine while no user exists) and an API token for it. */
async function createFirstAdmin(url: string): Promise<NonNullable<TestServer['admin']>> {
  const admin = { name: 'E2E Admin', email: 'e2e-admin@example.org', password: 'e2e admin password' };
  await gqlAt(url, 'mutation($i: SetupInput!) { setupFirstAdmin(input: $i) { id } }', { i: admin });
  const signIn = await fetch(`${url}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query: 'mutation { createApiToken(label: "e2e") { token } }' }) });
  const token = ((await res.json()) as { data: { createApiToken: { token: string } } }).data.createApiToken.token;
  tokens.set(url, token);
  return { ...admin, token };
}

/** Signs the browser page in through the real sign-in page. */
export async function signIn(page: import('playwright-core').Page, server: TestServer, who = server.admin!): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await page.click('[data-testid=sign-in-submit]');
  await page.waitForSelector('[data-testid=signed-in-as]');
}

/** Starts the product on port 0 with a fresh DATA_DIR; resolves once it prints its URL. */
export async function startServer({ env = {}, timeoutMs = 90_000, admin = true }: { env?: Record<string, string | undefined>; timeoutMs?: number; admin?: boolean } = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-e2e-data-'));
  // One process (`node --import tsx`), not the `tsx` command, whose signal relay SIGKILLs a server that
  // is slow to acknowledge SIGTERM on a busy machine.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs / 1000} s:\n${output.slice(-4000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /ready on (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  });
  return {
    url,
    dataDir,
    admin: admin ? await createFirstAdmin(url) : null,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function gqlAt<T>(url: string, query: string, variables?: Record<string, unknown>, token = tokens.get(url)): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

/** Polls until every run has finished (or the timeout passes). */
export async function waitForRuns(url: string, ids: string[], timeoutMs = 300_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const d = await gqlAt<{ compare: { id: string; status: string }[] }>(url, 'query($ids:[ID!]!){ compare(ids:$ids){ id status } }', { ids });
    if (d.compare.every((r) => !['QUEUED', 'RUNNING'].includes(r.status))) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`runs still active after ${timeoutMs / 1000} s: ${JSON.stringify(d.compare)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A headless chromium with a fresh profile directory (removed on close). */
export async function openBrowser(executablePath: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a browser test file works with: its server, a chromium page on it, and the page's uncaught errors (and CSP violations). */
export interface BrowserSuite {
  server: TestServer;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page so far (their stacks go to the test log); files assert it is empty. */
  pageErrors: string[];
  /** Closes the browser, then stops the server. */
  close: () => Promise<void>;
}

/**
 * The start of every browser test file: the dashboard built (a no-op when the sources are unchanged),
 * a fresh server, a chromium page with a 30 s default timeout that collects uncaught page errors, and,
 * unless `signedIn` is false, the page signed in as the server's admin.
 */
export async function startBrowserSuite(chromiumPath: string, { env = {}, admin, viewport, signedIn = true }: { env?: Record<string, string | undefined>; admin?: boolean; viewport?: { width: number; height: number }; signedIn?: boolean } = {}): Promise<BrowserSuite> {
  buildNext();
  const server = await startServer({ env, admin });
  const browser = await openBrowser(chromiumPath, viewport).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const close = async () => {
    await browser.close();
    await server.stop();
  };
  // A failure from here on (a sign-in that does not work) would otherwise leave the server and its
  // database running: the test file's afterAll never receives `close`.
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => {
      console.log(`page error: ${err.stack ?? err.message}`);
      pageErrors.push(err.message);
    });
    // A script or connection the Content-Security-Policy blocked is an error of the page too.
    page.on('console', (msg) => {
      if (msg.type() !== 'error' || !/Content Security Policy/i.test(msg.text())) return;
      console.log(`page error: ${msg.text()}`);
      pageErrors.push(msg.text());
    });
    page.setDefaultTimeout(30_000);
    if (signedIn) await signIn(page, server);
    return { server, context: browser.context, page, pageErrors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

