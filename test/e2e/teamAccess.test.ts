/**
 * Team access in a real browser against the real server (`tsx server/main.ts`, fresh database, no
 * users): the first visit lands on the one-time first-admin page; the admin adds a member on the
 * Users page; the member signs in through the sign-in page, launches a run from the form, and the run
 * shows the member's name on its page and in the runs list; a signed-out visitor is sent to sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, startBrowserSuite, type TestServer } from './harness';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('team access in a browser', () => {
  let server: TestServer;
  let page: Page;
  let pageErrors: string[] = [];
  let closeSuite: () => Promise<void>;
  let memberPassword = '';

  beforeAll(async () => {
    ({ server, page, pageErrors, close: closeSuite } = await startBrowserSuite(chromiumPath!, { env: { WORKERS: '0' }, admin: false, signedIn: false }));
  }, 300_000);

  afterAll(async () => closeSuite?.(), 60_000);

  it('prints how to create the first admin, and the first visit opens the first-admin page', async () => {
    expect(server.log()).toMatch(/No user exists yet\. Create the first admin/);
    expect(server.log()).toMatch(/npm run user -- create --email/);
    await page.goto(`${server.url}/runs`);
    await page.waitForSelector('[data-testid=setup]');
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.fill('input[name=name]', 'Ada Admin');
    await page.fill('input[name=email]', 'ada@example.org');
    await page.fill('input[name=password]', 'ada has a long password');
    await page.click('[data-testid=setup-submit]');
    await page.waitForSelector('[data-testid=signed-in-as]:has-text("Ada Admin")');
    // The page is gone for good.
    await page.goto(`${server.url}/setup`);
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('lets the admin add a member, with a generated password shown once', async () => {
    await page.goto(`${server.url}/admin/users`);
    await page.fill('[data-testid=new-user] input[name=name]', 'Dana Member');
    await page.fill('[data-testid=new-user] input[name=email]', 'dana@example.org');
    await page.click('[data-testid=new-user] button[type=submit]');
    const note = await page.waitForSelector('[data-testid=new-user] code');
    memberPassword = (await note.textContent())!;
    expect(memberPassword).toHaveLength(24);
    await page.waitForSelector('[data-testid=users] tr:has-text("Dana Member")');
    await page.click('text=Sign out');
    await page.waitForURL(/\/sign-in/);
  });

  it('sends a signed-out visitor to sign in, and refuses a wrong password', async () => {
    await page.goto(`${server.url}/launch`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/launch');
    await page.fill('input[name=email]', 'dana@example.org');
    await page.fill('input[name=password]', 'not the password');
    await page.click('[data-testid=sign-in-submit]');
    await page.waitForSelector('[role=alert]:has-text("Invalid email or password")');
  });

  it('signs the member in through the real page; the run they launch shows their name', async () => {
    await page.fill('input[name=password]', memberPassword);
    await page.click('[data-testid=sign-in-submit]');
    await page.waitForURL(/\/launch$/);
    await page.waitForSelector('[data-testid=signed-in-as]:has-text("Dana Member")');
    await page.waitForSelector('#f-dataset option[value="mnist"]', { state: 'attached' });
    await page.selectOption('#f-dataset', 'mnist');
    await page.fill('#f-hidden', '16');
    await page.fill('#f-epochs', '2');
    await page.waitForSelector('[data-testid=run-estimate]');
    await page.fill('input[name=name]', 'dana first run');
    await page.click('[data-testid=launch-submit]');
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.waitForSelector('[data-testid=run-page]');
    expect(await page.locator('[data-testid=run-page] p').first().textContent()).toMatch(/by Dana Member/);
    await page.waitForSelector('[data-testid=run-history] li:has-text("launched by Dana Member")');
    await page.goto(`${server.url}/`);
    const row = page.locator('[data-run-id]', { hasText: 'dana first run' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Dana Member');
    // A member sees no admin pages.
    expect(await page.locator('[data-testid=user-menu] a:has-text("Users")').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
