/**
 * Browser tests of the real product: `next build` once, the real server (`tsx server/main.ts`) on port 0
 * with its own fresh embedded PostgreSQL and one trainer worker, Debian's chromium through
 * playwright-core. They open the runs page, refuse an invalid form without queuing anything, launch a
 * tiny MNIST run from the form and watch its epochs arrive without a reload, then open the compare,
 * dataset and report pages. Without chromium they are skipped with a message saying how to install it.
 * Each test creates what it needs and counts only its own runs, so they pass in any order or alone;
 * runs several tests need (two finished runs) are made once, by whichever test asks first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, gqlAt, startBrowserSuite, waitForRuns, type TestServer } from './harness';

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.warn('[e2e] SKIPPED: chromium not found. Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH); never `npx playwright install`.');
}

const RUN_COUNT = 'query($f: RunFilter) { runs(first: 1, filter: $f) { totalCount } }';
const countRuns = async (url: string, filter?: Record<string, unknown>) => (await gqlAt<{ runs: { totalCount: number } }>(url, RUN_COUNT, { f: filter })).runs.totalCount;
const LAUNCH = 'mutation($i: LaunchRunInput!){ launchRun(input: $i){ id } }';

/** Waits until the runs page counts exactly n runs ("12 runs" does not pass for 2). */
const runsCountIs = (page: Page, n: number) =>
  page.waitForFunction((n) => document.querySelector('[data-testid=runs-count]')?.textContent?.startsWith(`${n.toLocaleString('en-US')} run${n === 1 ? '' : 's'} `), n);

describe.skipIf(!chromiumPath)('dashboard in a browser', () => {
  let server: TestServer;
  let page: Page;
  let pageErrors: string[] = [];
  let closeSuite: () => Promise<void>;

  /** Two finished runs that differ in optimizer and batch size, named `<tag> sgd` / `<tag> adam` and tagged <tag>. */
  let pair: Promise<{ tag: string; sgd: string; adam: string }> | null = null;
  const finishedPair = () =>
    (pair ??= (async () => {
      const tag = `pair-${Date.now().toString(36)}`;
      const launch = async (name: string, preset: string, config: Record<string, unknown>) =>
        (await gqlAt<{ launchRun: { id: string } }>(server.url, LAUNCH, { i: { name, preset, dataset: 'mnist', tags: [tag], config } })).launchRun.id;
      const sgd = await launch(`${tag} sgd`, 'M0', { hidden: [16], epochs: 1, batchSize: 16 });
      const adam = await launch(`${tag} adam`, 'M1b', { hidden: [16], epochs: 1 });
      await waitForRuns(server.url, [sgd, adam], 120_000);
      return { tag, sgd, adam };
    })());

  beforeAll(async () => {
    ({ server, page, pageErrors, close: closeSuite } = await startBrowserSuite(chromiumPath!, { env: { WORKERS: '1' } }));
  }, 300_000);

  afterAll(async () => closeSuite?.(), 60_000);

  // Every test: no uncaught error in the pages it opened.
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('opens the runs page: the count the API gives, and an empty state for a search that matches nothing', async () => {
    const total = await countRuns(server.url);
    await page.goto(`${server.url}/`);
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Runs');
    await runsCountIs(page, total);
    await page.fill('input[aria-label="Search runs"]', 'no-such-run-anywhere');
    await runsCountIs(page, 0);
    await page.waitForSelector('text=No runs match these filters.');
  });

  /** Records launchRun requests while `action` runs: the form must send none while a field is invalid. */
  const launchesDuring = async (action: () => Promise<void>) => {
    const launches: string[] = [];
    const onRequest = (req: { method(): string; postData(): string | null }) => {
      if (req.method() === 'POST' && /launchRun/.test(req.postData() ?? '')) launches.push(req.postData()!);
    };
    page.on('request', onRequest);
    try {
      await action();
    } finally {
      page.off('request', onRequest);
    }
    return launches;
  };

  it('refuses invalid fields in plain words, focuses the first, announces once, and queues nothing', async () => {
    const before = await countRuns(server.url);
    await page.goto(`${server.url}/launch`);
    await page.waitForSelector('[data-testid=launch-form]');
    await page.fill('#f-lr', '20');
    await page.press('#f-lr', 'Tab'); // messages appear when a field is left (or on launch)
    await expect(page.locator('[data-testid="error-lr"]').textContent()).resolves.toBe('Learning rate must be greater than 0 and at most 10 (got 20).');
    await page.fill('#f-epochs', '0x10'); // Number() would read 16
    const launches = await launchesDuring(async () => {
      await page.click('[data-testid=launch-submit]');
      await page.waitForSelector('[data-testid="error-epochs"]:has-text("Epochs must be a number (got “0x10”).")');
    });
    expect(launches).toEqual([]);
    // Focus went to the first invalid field, which says it is invalid and where its message is.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-lr');
    expect(await page.getAttribute('#f-lr', 'aria-invalid')).toBe('true');
    expect((await page.getAttribute('#f-lr', 'aria-describedby'))!.split(' ')).toContain('f-lr-error');
    // One live region, saying it all once; field messages are not live regions.
    expect(await page.locator('[data-testid=launch-form] [aria-live], [data-testid=launch-form] [role=alert]').count()).toBe(1);
    await expect(page.locator('[data-testid=form-announcement]').textContent()).resolves.toMatch(/^Not launched: 2 fields to fix\. Learning rate must be .* Epochs must be a number/);
    expect(new URL(page.url()).pathname).toBe('/launch');
    expect(await countRuns(server.url)).toBe(before);
  });

  it('keeps edits when the preset changes, says so, and offers the preset\'s own values', async () => {
    await page.goto(`${server.url}/launch?preset=M0`);
    await page.waitForSelector('[data-testid=launch-form]');
    await page.fill('#f-epochs', '3');
    await page.selectOption('#f-preset', 'M1b');
    expect(await page.inputValue('#f-epochs')).toBe('3');
    expect(await page.inputValue('#f-optimizer')).toBe('adam'); // the fields not edited follow the preset
    await expect(page.locator('[data-testid=preset-kept]').textContent()).resolves.toMatch(/keeping your changes: Epochs 3 \(M1b has 50\)/);
    await page.click('[data-testid=preset-kept] button');
    expect(await page.inputValue('#f-epochs')).toBe('50');
    expect(await page.locator('[data-testid=preset-kept]').count()).toBe(0);
  });

  it('offers only what the chosen engine supports and says why the rest is hidden', async () => {
    await page.goto(`${server.url}/launch?preset=M0`);
    await page.waitForSelector('[data-testid=launch-form]');
    expect(await page.inputValue('#f-engine')).toBe('scratch');
    for (const id of ['#f-dropout', '#f-weightDecay', '#f-batchNorm', '#f-weightDecayMode']) expect(await page.locator(id).count(), id).toBe(0);
    expect(await page.locator('#f-activation option').allTextContents()).toEqual(['relu']);
    await expect(page.locator('[data-testid=engine-note]').textContent()).resolves.toMatch(/scratch engine trains ReLU networks without BatchNorm, dropout or weight decay/);
    await page.selectOption('#f-engine', 'layers');
    expect(await page.locator('#f-activation option').allTextContents()).toEqual(['relu', 'gelu', 'silu']);
    for (const id of ['#f-dropout', '#f-weightDecay', '#f-batchNorm']) expect(await page.locator(id).count(), id).toBe(1);
    // Back to scratch with a layers-only choice made: it is set back, and the form says which.
    await page.selectOption('#f-activation', 'gelu');
    await page.selectOption('#f-engine', 'scratch');
    await expect(page.locator('[data-testid=engine-note]').textContent()).resolves.toMatch(/Set back for this engine: Activation/);
  });

  it('offers only the backends some live worker has, and says which are missing', async () => {
    const { system } = await gqlAt<{ system: { backends: string[] } }>(server.url, '{ system { backends } }');
    expect(system.backends.length).toBeGreaterThan(0);
    await page.goto(`${server.url}/launch?preset=M0`);
    await page.waitForSelector('[data-testid=launch-form]');
    const offered = await page.locator('#f-backend option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['auto', ...['tensorflow', 'wasm', 'cpu'].filter((b) => system.backends.includes(b))]);
    if (!system.backends.includes('tensorflow')) {
      await expect(page.locator('[data-testid=backend-note]').textContent()).resolves.toMatch(/no worker has tensorflow/);
    }
  });

  it('counts parameters for the chosen dataset\'s classes', async () => {
    await page.goto(`${server.url}/launch?preset=M0`);
    await page.waitForSelector('#f-dataset option[value="mnist"]', { state: 'attached' });
    await page.selectOption('#f-dataset', 'mnist');
    // 784·128+128 + 128·64+64 + 64·10+10 (MNIST has 10 classes; EMNIST's 47 would give 111,791).
    await expect(page.locator('[data-testid=parameter-count]').textContent()).resolves.toBe('109,386 parameters (10 classes)');
  });

  it('says so when ?from= names no run, and starts from a preset the box shows', async () => {
    await page.goto(`${server.url}/launch?from=nope`);
    await expect(page.locator('[data-testid=launch-notice]').textContent()).resolves.toBe('No run has the id “nope”, so there is nothing to clone: the form starts from preset M0 instead.');
    expect(await page.inputValue('#f-preset')).toBe('M0');
  });

  it('titles a network failure as one, and a server failure as one, never "Launch refused"', async () => {
    await page.goto(`${server.url}/launch?preset=M0`);
    await page.waitForSelector('#f-dataset option[value="mnist"]', { state: 'attached' });
    await page.selectOption('#f-dataset', 'mnist');
    const launchOnly = (body: string | null) => /launchRun/.test(body ?? '');
    await page.route('**/graphql', (route) => (launchOnly(route.request().postData()) ? route.abort('internetdisconnected') : route.fallback()));
    await page.click('[data-testid=launch-submit]');
    await expect(page.locator('[data-testid=launch-refusal] div').first().textContent()).resolves.toBe('Network error: the server could not be reached');
    await page.unroute('**/graphql');
    await page.route('**/graphql', (route) =>
      launchOnly(route.request().postData())
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'Internal error (request id x)', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }) })
        : route.fallback(),
    );
    await page.click('[data-testid=launch-submit]');
    await page.waitForSelector('[data-testid=launch-refusal] div:has-text("The server failed (HTTP 503)")');
    await page.unroute('**/graphql');
    // The API's own refusal keeps its title (31 tags: at most 30 per run), and nothing is queued.
    const before = await countRuns(server.url);
    await page.fill('input[name=tags]', Array.from({ length: 31 }, (_, i) => `t${i}`).join(', '));
    await page.click('[data-testid=launch-submit]');
    await page.waitForSelector('[data-testid=launch-refusal] div:has-text("Launch refused")');
    expect(await countRuns(server.url)).toBe(before);
  });

  it('launches a small run from the form and shows its epochs as they arrive, without a reload', async () => {
    // A first run keeps the worker busy, so the form's run is still queued when its page opens.
    await gqlAt(server.url, LAUNCH, { i: { name: 'e2e blocker', preset: 'M0', dataset: 'mnist', config: { hidden: [16], epochs: 3, batchSize: 16 } } });

    await page.goto(`${server.url}/launch`);
    await page.waitForSelector('#f-dataset option[value="mnist"]', { state: 'attached' });
    await page.selectOption('#f-dataset', 'mnist');
    await page.selectOption('#f-preset', 'M1b');
    await page.fill('#f-hidden', '16');
    await page.fill('#f-epochs', '2');
    await page.fill('input[name=name]', 'e2e tiny run');
    await page.click('[data-testid=launch-submit]');
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.waitForSelector('[data-testid=run-page]');
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await expect(page.locator('[data-testid=run-name]').textContent()).resolves.toBe('e2e tiny run');

    const epochs = async () => Number((await page.locator('[data-testid=epoch-count]').textContent())!.split(' ')[0]);
    const firstStatus = await page.locator('[data-testid=run-page]').getAttribute('data-status');
    const firstEpochs = await epochs();
    if (firstStatus === 'QUEUED') expect(await page.locator('[data-testid=run-progress-text]').textContent()).toMatch(/^Queued/);

    await page.waitForFunction(() => document.querySelector('[data-testid=epoch-count]')?.textContent?.startsWith('2 epochs'), null, { timeout: 120_000 });
    await page.waitForSelector('[data-testid=run-page][data-status=SUCCEEDED]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=confusion] svg .cells rect');
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(firstEpochs).toBeLessThan(2); // they arrived while we watched
    expect(await page.locator('[data-testid=loss-curve] .line-series circle').count()).toBe(4); // train + validation, 2 epochs
    expect(await page.locator('[data-testid=confused-pairs] li').count()).toBeGreaterThan(0);
    // The evaluation comes with the fetch that follows the SUCCEEDED event: wait for it, without a reload.
    await page.waitForFunction(() => /Test accuracy\d+\.\d\d%/.test(document.querySelector('[data-testid=run-metrics]')?.textContent ?? ''));
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // The curves' crosshair answers the keyboard too: focused, it shows the last epoch; arrows step.
    const slider = page.locator('[data-testid=loss-curve] .crosshair-overlay');
    await slider.focus();
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-curve] .crosshair')?.getAttribute('visibility') === 'visible');
    expect(await slider.getAttribute('aria-valuenow')).toBe('2');
    await page.keyboard.press('ArrowLeft');
    expect(await slider.getAttribute('aria-valuenow')).toBe('1');
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^epoch 1; train: \d\.\d+; validation: \d\.\d+$/);
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=loss-curve] .crosshair').getAttribute('visibility')).toBe('hidden');

    // Confusion heatmap: hovering a cell explains it; the colour scale toggles between log and linear.
    const cell = page.locator('[data-testid=confusion] .cells rect').first();
    await cell.scrollIntoViewIfNeeded();
    const box = (await cell.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => /^True .+ predicted as .+: \d/.test(document.querySelector('[data-testid=confusion] [aria-live]')?.textContent ?? ''));
    const fills = () => page.locator('[data-testid=confusion] .cells rect').evaluateAll((rs) => rs.map((r) => r.getAttribute('fill')).join());
    const logFills = await fills();
    await page.click('[data-testid=confusion] button:has-text("linear")');
    await page.waitForFunction(() => document.querySelector('[data-testid=confusion] button[aria-pressed=true]')?.textContent === 'linear');
    // The cells are recoloured once the new scale is drawn: wait for that, not for a while.
    await page.waitForFunction(
      (before) => [...document.querySelectorAll('[data-testid=confusion] .cells rect')].map((r) => r.getAttribute('fill')).join() !== before,
      logFills,
    );
    expect(await fills()).not.toBe(logFills);
    expect(await page.locator('[data-testid=confusion] button[aria-pressed=true]').textContent()).toBe('linear');
  });

  it('opens the compare page for two runs from its URL', async () => {
    const { sgd, adam } = await finishedPair();
    await page.goto(`${server.url}/compare?ids=${sgd},${adam}`);
    await page.waitForSelector('[data-testid=compare-metrics] tbody tr >> nth=1');
    expect(await page.locator('[data-testid=compare-metrics] tbody tr').count()).toBe(2);
    expect(await page.locator('[data-testid=compare-metrics] [data-best]').count()).toBeGreaterThan(0);
    const diff = (await page.locator('[data-testid=config-diff]').textContent())!;
    expect(diff).toContain('batchSize');
    expect(diff).toContain('optimizer');
    expect(diff).not.toContain('seed'); // equal fields are not shown
    await page.waitForSelector('[data-testid=confusion-diff] svg .cells rect', { state: 'attached' });
  });

  it('searches, filters and selects runs on the runs page, keeping the filter in the address', async () => {
    const { tag, sgd, adam } = await finishedPair();
    await page.goto(`${server.url}/`);
    await page.fill('input[aria-label="Search runs"]', tag);
    await runsCountIs(page, 2);
    await page.fill('input[aria-label="Search runs"]', `${tag} adam`);
    await runsCountIs(page, 1);
    expect(await page.locator('[data-run-id]').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe(`${tag} adam`);
    await page.reload();
    await runsCountIs(page, 1);
    expect(await page.inputValue('input[aria-label="Search runs"]')).toBe(`${tag} adam`);
    await page.fill('input[aria-label="Search runs"]', tag);
    await runsCountIs(page, 2);
    await page.check(`[data-run-id="${sgd}"] input[type=checkbox]`);
    await page.check(`[data-run-id="${adam}"] input[type=checkbox]`);
    await page.waitForSelector('[data-testid=bulk-count]:has-text("2 selected")');
    await page.click('[data-testid=bulk-bar] button:has-text("Compare")');
    await page.waitForURL(/\/compare\?ids=/);
    await page.waitForSelector('[data-testid=compare-metrics] tbody tr >> nth=1');
  });

  it('clones a run into the launch form with its config', async () => {
    const { tag, adam } = await finishedPair();
    await page.goto(`${server.url}/runs/${adam}`);
    await page.click('a:has-text("Clone and edit")');
    await page.waitForURL(/\/launch\?from=/);
    await page.waitForFunction((name) => (document.querySelector('input[name=name]') as HTMLInputElement | null)?.value === name, `${tag} adam (copy)`);
    expect(await page.inputValue('#f-hidden')).toBe('16');
    expect(await page.inputValue('#f-epochs')).toBe('1');
    expect(await page.inputValue('#f-optimizer')).toBe('adam');
  });

  it('opens the dataset page', async () => {
    await page.goto(`${server.url}/datasets/mnist`);
    await page.waitForSelector('[data-testid=samples] canvas >> nth=9');
    expect(await page.locator('[data-testid=samples] canvas').count()).toBe(10);
    // The charts draw after the samples; poll rather than read them at one instant.
    await expect.poll(() => page.locator('[data-testid=class-distribution] .bars rect').count(), { timeout: 10_000 }).toBe(10);
    await expect.poll(() => page.locator('[data-testid=splits] tbody tr').count(), { timeout: 10_000 }).toBe(3);
  });

  it('opens the report page: the published figures on EMNIST ByMerge, our finished runs on MNIST', async () => {
    const { sgd } = await finishedPair();
    await page.goto(`${server.url}/report?dataset=emnist-bymerge`);
    await page.waitForSelector('[data-testid=report-rows]');
    expect(await page.locator('[data-testid=report-rows] tr[data-preset=M0]').textContent()).toContain('87.45'); // M0's published test accuracy
    await page.goto(`${server.url}/report?dataset=mnist`);
    await page.waitForSelector('[data-testid=not-comparable]');
    // The pair's runs are smaller than their presets: labelled modified, counted, not used unless pinned.
    expect(await page.locator('[data-testid=report-rows] tr[data-preset=M0]').textContent()).toMatch(/modified runs? (is|are) not used unless pinned/);
    await page.goto(`${server.url}/runs/${sgd}`);
    expect(await page.textContent('[data-testid=run-facts]')).toMatch(/preset M0 \(modified: hidden, batchSize, epochs\)/);
  });

  it('queues the whole study as one group through its own form, and lands on the group', async () => {
    const before = await countRuns(server.url);
    await page.goto(`${server.url}/launch`);
    await page.click('[data-testid=study-link]');
    await page.waitForSelector('[data-testid=study-dataset] option[value="mnist"]', { state: 'attached' });
    await page.selectOption('[data-testid=study-dataset]', 'mnist');
    await page.fill('[data-testid=study-epochs]', '1');
    await page.waitForSelector('[data-testid=study-preview] tbody tr >> nth=11');
    await page.click('[data-testid=study-review]');
    await page.click('[data-testid=study-confirm-yes]');
    await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/);
    const groupId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await countRuns(server.url)).toBe(before + 12);
    const study = await gqlAt<{ runs: { edges: { node: { id: string; preset: string; group: string | null } }[] } }>(
      server.url, 'query($g: String) { runs(filter: { group: $g }, first: 200) { edges { node { id preset group } } } }', { g: groupId },
    );
    const grouped = study.runs.edges.map((e) => e.node);
    expect(grouped.map((r) => r.preset).sort()).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h', 'M2', 'M3a', 'M3b']);
    // A queued run's page shows where it stands in the queue, and links back to its group.
    const last = grouped.find((r) => r.preset === 'M3b')!;
    await page.goto(`${server.url}/runs/${last.id}`);
    await page.waitForSelector('[data-testid=run-progress-text]:has-text("ahead")');
    expect(await page.getAttribute('[data-testid=run-group-link]', 'href')).toBe(`/groups/${groupId}`);
    await page.click('button:has-text("Cancel run")');
    await page.waitForSelector('[data-testid=run-page][data-status=CANCELLED]');
    // Cancel what is left from the group's page so the worker is free.
    await page.goto(`${server.url}/groups/${groupId}`);
    await page.click('[data-testid=group-cancel]');
    await page.waitForSelector('[data-testid=group-actions] [role=status]');
  });
});
