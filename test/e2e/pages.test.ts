/**
 * The pages as a person on a phone, a chat app's link preview and a screen reader meet them, against
 * the real server (fresh database, one worker, tiny MNIST runs): every page fits 390×844 with its
 * main chart drawn and the menu collapsed; run pages carry the run's name in <title> and a PNG link
 * preview; unknown runs and datasets answer 404; axe finds no serious or critical violation; compare
 * follows a training run live and keeps every view choice in its address (with sensible one-run and
 * same-run states); the report keeps its dataset in the address; search matches owners; runs are
 * renamed in place; a cancelled run's bar shows how far it got. One server and one browser for all.
 */
import AxeBuilder from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { findChromium, gqlAt, signIn, startBrowserSuite, waitForRuns, type TestServer } from './harness';

const chromiumPath = findChromium();
const LAUNCH = 'mutation($i: LaunchRunInput!){ launchRun(input: $i){ id } }';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe.skipIf(!chromiumPath)('pages on a phone, in link previews and to assistive technology', () => {
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  let closeSuite: () => Promise<void>;
  const runs = { a: '', b: '', cancelled: '' };
  let group = '';
  const launch = async (name: string, preset: string, config: Record<string, unknown>) =>
    (await gqlAt<{ launchRun: { id: string } }>(server.url, LAUNCH, { i: { name, preset, dataset: 'mnist', config } })).launchRun.id;
  const epochsOf = async (id: string) => (await gqlAt<{ run: { epochs: unknown[]; status: string } }>(server.url, 'query($id: ID!) { run(id: $id) { status epochs { epoch } } }', { id })).run;

  beforeAll(async () => {
    ({ server, context, page, pageErrors, close: closeSuite } = await startBrowserSuite(chromiumPath!, { env: { WORKERS: '1' }, viewport: DESKTOP }));
    runs.a = await launch('pages sgd', 'M0', { hidden: [16], epochs: 2, batchSize: 32 });
    runs.b = await launch('pages adam', 'M1b', { hidden: [16], epochs: 2 });
    await waitForRuns(server.url, [runs.a, runs.b], 180_000);
    // A run cancelled after its first epochs (of 30 planned).
    runs.cancelled = await launch('pages cancelled', 'M0', { hidden: [16], epochs: 30, batchSize: 16 });
    for (let t0 = Date.now(); (await epochsOf(runs.cancelled)).epochs.length < 1; ) {
      if (Date.now() - t0 > 120_000) throw new Error('the run to cancel never finished an epoch');
      await new Promise((r) => setTimeout(r, 300));
    }
    await gqlAt(server.url, 'mutation($id: ID!){ cancelRun(id: $id){ id } }', { id: runs.cancelled });
    await waitForRuns(server.url, [runs.cancelled], 60_000);
    // A study group, cancelled at once (its page is what is tested here, not its training).
    group = (await gqlAt<{ launchStudy: { id: string } }>(server.url, 'mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 1 } }) { id } }')).launchStudy.id;
    await gqlAt(server.url, 'mutation($id: ID!){ cancelGroup(id: $id){ message } }', { id: group });
  }, 400_000);

  afterAll(async () => closeSuite?.(), 60_000);

  afterEach(async () => {
    await page.setViewportSize(DESKTOP);
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('fits every page into a 390-px phone: no sideways scroll, the main chart drawn, the menu collapsed', async () => {
    await page.setViewportSize(PHONE);
    const pages: [string, string | null][] = [
      ['/', null],
      [`/runs/${runs.a}`, '[data-testid=loss-curve] svg'],
      [`/runs/${runs.cancelled}`, '[data-testid=loss-curve] svg'],
      [`/compare?ids=${runs.a},${runs.b}`, '[data-testid=compare-loss] svg'],
      [`/compare?ids=${runs.a}`, null],
      ['/launch', null],
      ['/datasets', null],
      ['/datasets/mnist', '[data-testid=class-distribution] svg'],
      ['/report', '[data-testid=report-test-chart] svg'],
      ['/report?dataset=mnist&clip=1', '[data-testid=report-robustness-chart] svg'],
      ['/launch/study', '[data-testid=study-preview]'],
      [`/groups/${group}`, null],
      ['/playground', '[data-testid=drawing-pad]'],
      ['/settings', null],
      ['/admin/users', null],
      ['/admin/audit', null],
      ['/runs/00000000-0000-4000-8000-000000000000', null],
    ];
    for (const [path, chart] of pages) {
      await page.goto(`${server.url}${path}`);
      if (chart) {
        await page.waitForSelector(chart); // visible (waitForSelector's default), not just attached
        const box = (await page.locator(chart).first().boundingBox())!;
        expect(box.width * box.height, `${path}: chart size`).toBeGreaterThan(300 * 150);
      }
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path}: page width`).toBeLessThanOrEqual(PHONE.width);
      expect(await page.isVisible('[data-testid=nav-menu-button]'), path).toBe(true);
      expect(await page.isVisible('#nav-links'), path).toBe(false);
    }
    await page.click('[data-testid=nav-menu-button]');
    expect(await page.isVisible('#nav-links a:has-text("Study report")')).toBe(true);

    // The run page: the heatmap takes the card's width, the confused pairs stack under it.
    await page.goto(`${server.url}/runs/${runs.a}`);
    await page.locator('[data-testid=confusion-heatmap] svg').waitFor({ state: 'visible' });
    await page.locator('[data-testid=confused-pairs]').waitFor({ state: 'visible' });
    const heat = (await page.locator('[data-testid=confusion-heatmap] svg').boundingBox())!;
    const card = (await page.locator('[data-testid=confusion]').boundingBox())!;
    const pairs = (await page.locator('[data-testid=confused-pairs]').boundingBox())!;
    expect(heat.width).toBeGreaterThan(card.width - 40);
    expect(pairs.y).toBeGreaterThan(heat.y + heat.height);

    // The launch form: the Launch button stays on screen while the form scrolls.
    await page.goto(`${server.url}/launch`);
    await page.waitForSelector('[data-testid=launch-submit]');
    for (const y of [0, 900, 1800]) {
      await page.evaluate((to) => window.scrollTo(0, to), y);
      const button = (await page.locator('[data-testid=launch-submit]').boundingBox())!;
      expect(button.y, `scrolled to ${y}`).toBeGreaterThanOrEqual(0);
      expect(button.y + button.height, `scrolled to ${y}`).toBeLessThanOrEqual(PHONE.height);
    }

    // Signed out, the sign-in page fits too. Leave the launch page first: a request of its own would
    // find the session gone and send it to the sign-in page in the middle of our navigation.
    await page.goto('about:blank');
    await context.clearCookies();
    try {
      await page.goto(`${server.url}/runs/${runs.a}`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    } finally {
      // The tests after this one start signed in, whatever happened here.
      await page.setViewportSize(DESKTOP);
      await signIn(page, server);
    }
  });

  it('titles run pages with the run and gives them a PNG link preview that only signed-in people get', async () => {
    await page.goto(`${server.url}/runs/${runs.a}`);
    const title = await page.title();
    expect(title).toMatch(new RegExp(`^pages sgd · \\d+\\.\\d\\d% · run ${runs.a.slice(0, 4)}…`));
    const meta = (selector: string) => page.getAttribute(selector, 'content');
    expect(await meta('meta[property="og:title"]')).toBe(title.replace(/ · EMNIST runs$/, ''));
    expect(await meta('meta[property="og:description"]')).toMatch(/^Preset M0, scratch engine, on mnist, by E2E Admin\. Test accuracy \d+\.\d\d%, macro F1 \d+\.\d\d%\.$/);
    expect(await meta('meta[name="twitter:card"]')).toBe('summary_large_image');
    const image = (await meta('meta[property="og:image"]'))!;
    expect(new URL(image).origin).toBe(server.url);
    const res = await page.request.get(image);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
    const png = await res.body();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]); // IHDR width × height
    expect((await meta('meta[name="twitter:image"]'))!).toMatch(/twitter-image/);
    // Without a session the preview is not drawn (the trust model: no data for anonymous callers).
    const anonymous = await fetch(image, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/sign-in/);
    // Other pages' titles.
    await page.goto(`${server.url}/compare?ids=${runs.a},${runs.b}`);
    expect(await page.title()).toBe('Compare 2 runs · EMNIST runs');
    await page.goto(`${server.url}/datasets/mnist`);
    expect(await page.title()).toBe('Dataset MNIST · EMNIST runs');
  });

  it('runs only inline scripts that carry the response\'s own nonce (no unsafe-inline), and the page still works', async () => {
    const nonces = new Set<string>();
    for (const path of [`/runs/${runs.a}`, '/']) {
      const res = (await page.goto(`${server.url}${path}`))!;
      const scriptSrc = res.headers()['content-security-policy'].split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'))!;
      expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval/);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc)![1];
      nonces.add(nonce);
      const inline = [...(await res.text()).matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
      expect(inline.length, path).toBeGreaterThan(0);
      for (const attrs of inline) expect(attrs, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(2); // a fresh nonce per response
    // Hydrated: the runs list answers a click (a blocked bootstrap script would leave it inert).
    await page.waitForSelector('[data-run-id]');
    expect(pageErrors).toEqual([]); // no CSP violation was reported
  });

  it('answers 404 for runs and datasets that do not exist', async () => {
    for (const path of ['/runs/00000000-0000-4000-8000-000000000000', '/runs/not-a-run-id', '/datasets/no-such-dataset']) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res!.status(), path).toBe(404);
      await page.waitForSelector('[data-testid=not-found]');
    }
  });

  // One test per viewport: nine axe passes each, so a busy machine does not push both widths past one
  // test's timeout (eighteen passes in one test took 111-121 s at load 5-10).
  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const)('has no serious or critical accessibility violations (axe) on the runs, run, compare, launch, study, group, report, dataset and playground pages (%s)', async (_name, viewport) => {
    const paths = ['/', `/runs/${runs.a}`, `/compare?ids=${runs.a},${runs.b}`, '/launch', '/launch/study', `/groups/${group}`, '/report', '/datasets/mnist', '/playground'];
    await page.setViewportSize(viewport);
    for (const path of paths) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState('networkidle');
      const { violations } = await new AxeBuilder({ page }).analyze();
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      expect(bad, `${path} at ${viewport.width}px`).toEqual([]);
    }
  });

  it('compares live, keeps every view choice in the address, and handles one run and the same run twice', async () => {
    const live = await launch('pages live', 'M1b', { hidden: [16], epochs: 3 });
    await page.goto(`${server.url}/compare?ids=${runs.a},${live}`);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const row = page.locator('[data-testid=compare-metrics] tbody tr', { hasText: 'pages live' });
    await row.locator('[data-status=SUCCEEDED]').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=compare-metrics] tbody tr')].some((r) => r.textContent?.includes('pages live') && /\b3\b/.test(r.children[9]?.textContent ?? '')));
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    await page.check('text=also show training curves');
    await page.click('[data-testid=confusion-diff] button:has-text("log")');
    await page.selectOption('[data-testid=pair-a]', live); // live was B: the two swap
    await page.waitForFunction((id) => new URL(window.location.href).searchParams.get('a') === id, live);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ ids: `${runs.a},${live}`, a: live, b: runs.a, scale: 'log', train: '1' });
    await page.reload();
    expect(await page.isChecked('text=also show training curves')).toBe(true);
    expect(await page.getAttribute('[data-testid=confusion-diff] button:has-text("log")', 'aria-pressed')).toBe('true');
    expect(await page.inputValue('[data-testid=pair-a]')).toBe(live);
    await page.waitForSelector('[data-testid=compare-loss] [data-legend] >> nth=3');
    expect(await page.locator('[data-testid=compare-loss] [data-legend]').count()).toBe(4); // val and train for each

    await page.goto(`${server.url}/compare?ids=${runs.a}`);
    await page.waitForSelector('[data-testid=compare-too-few]');
    expect(await page.locator('h2').first().textContent()).toBe('Only one run: pages sgd');
    await page.click(`[data-testid=compare-suggestions] a[href*="${runs.b}"]`);
    await page.waitForSelector('[data-testid=compare-page]');

    await page.goto(`${server.url}/compare?ids=${runs.a},${runs.b}&a=${runs.a}&b=${runs.a}`);
    await page.waitForSelector('[data-testid=same-run-notice]');
    expect(await page.inputValue('[data-testid=pair-a]')).toBe(runs.a);
    expect(await page.inputValue('[data-testid=pair-b]')).toBe(runs.b);
    // Choosing for B the run that is A swaps them: never one run against itself.
    await page.selectOption('[data-testid=pair-b]', runs.a);
    await page.waitForFunction((id) => new URL(window.location.href).searchParams.get('b') === id, runs.a);
    expect(await page.inputValue('[data-testid=pair-a]')).toBe(runs.b);
  });

  it('keeps the report\'s dataset in the address', async () => {
    await page.goto(`${server.url}/report?dataset=emnist-bymerge`);
    expect(await page.inputValue('[data-testid=report-dataset]')).toBe('emnist-bymerge');
    await page.reload();
    expect(await page.inputValue('[data-testid=report-dataset]')).toBe('emnist-bymerge');
    await page.selectOption('[data-testid=report-dataset]', 'mnist');
    await page.waitForURL(/\?dataset=mnist$/);
    // These runs differ from their presets (smaller, fewer epochs): none stands for a preset unpinned.
    await page.waitForFunction(() => /\d+ of 12 presets covered on/.test(document.querySelector('[data-testid=report-page]')?.textContent ?? '') && /not used unless pinned/.test(document.querySelector('[data-testid=report-rows] tr[data-preset=M0]')?.textContent ?? ''));
  });

  it('finds runs by owner and dataset, renames a run in place, and shows how far a cancelled run got', async () => {
    const count = async (filter: Record<string, unknown>) => (await gqlAt<{ runs: { totalCount: number } }>(server.url, 'query($f: RunFilter) { runs(filter: $f) { totalCount } }', { f: filter })).runs.totalCount;
    const shows = (n: number) => page.waitForFunction((n) => document.querySelector('[data-testid=runs-count]')?.textContent?.startsWith(`${n} run`), n);
    await page.goto(`${server.url}/`);
    await page.fill('input[aria-label="Search runs"]', 'e2e adm');
    await shows(await count({ text: 'e2e adm' }));
    expect(await count({ text: 'e2e adm' })).toBe(await count({}));
    await page.fill('input[aria-label="Search runs"]', '');
    await page.selectOption('select[aria-label="Filter by dataset"]', 'mnist');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get('dataset') === 'mnist');
    await shows(await count({ dataset: 'mnist' }));

    await page.goto(`${server.url}/runs/${runs.b}`);
    await page.click('button:has-text("Rename")');
    await page.fill('#run-new-name', 'pages adam, renamed');
    await page.click('[data-testid=rename-run] button[type=submit]');
    await page.waitForSelector('[data-testid=run-name]:has-text("pages adam, renamed")');
    expect((await gqlAt<{ run: { name: string } }>(server.url, 'query($id: ID!) { run(id: $id) { name } }', { id: runs.b })).run.name).toBe('pages adam, renamed');
    await page.waitForSelector('[data-testid=run-history] li:has-text("renamed “pages adam, renamed”")');

    const done = (await epochsOf(runs.cancelled)).epochs.length;
    await page.goto(`${server.url}/runs/${runs.cancelled}`);
    await expect(page.locator('[data-testid=run-progress-text]').textContent()).resolves.toMatch(new RegExp(`after ${done} of 30 epochs$`));
    expect(await page.getAttribute('[data-testid=run-progress-bar]', 'style')).toMatch(new RegExp(`width: ?${Math.round((100 * done) / 30)}%`));
    expect(done).toBeGreaterThan(0); // so the bar is not empty
  });
});
