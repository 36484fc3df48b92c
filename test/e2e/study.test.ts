/**
 * The study as a person runs it, against the real server (fresh database, one worker, MNIST): the
 * launch form sends them to the separate study form; 1 epoch for every run; the preview lists the
 * twelve runs with their time; Enter in the epochs field asks for confirmation instead of launching;
 * confirming lands on the group's page, which follows the runs live to "12 of 12 finished" with the
 * group's own report. Then the report: MNIST is not compared with the study's figures, the 1-epoch runs
 * are "modified" and stand for no preset — until a member pins one from its run page, or the whole
 * group from its page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, gqlAt, startBrowserSuite, type TestServer } from './harness';

const chromiumPath = findChromium();
const shots = process.env.E2E_SCREENSHOTS; // a folder: save what the test saw, for a person to look at

describe.skipIf(!chromiumPath)('launching and following the study in the browser', () => {
  let server: TestServer;
  let page: Page;
  let pageErrors: string[] = [];
  let closeSuite: () => Promise<void>;
  const shot = async (name: string) => {
    if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    ({ server, page, pageErrors, close: closeSuite } = await startBrowserSuite(chromiumPath!, { env: { WORKERS: '1' }, viewport: { width: 1280, height: 900 } }));
  }, 180_000);

  afterAll(async () => closeSuite?.(), 60_000);

  it('launches the study on MNIST with 1 epoch through the study form and follows the group to the end', async () => {
    await page.goto(`${server.url}/launch`);
    await page.click('[data-testid=study-link]');
    await page.waitForSelector('[data-testid=study-form]');
    expect(new URL(page.url()).pathname).toBe('/launch/study');
    await page.selectOption('[data-testid=study-dataset]', 'mnist');
    await page.fill('[data-testid=study-epochs]', '1');
    // The preview: twelve runs, each "modified: epochs", with an estimated time and the total.
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid=study-preview] tbody tr');
      return rows.length === 12 && [...rows].every((r) => r.textContent?.includes('(modified: epochs)'));
    });
    expect(await page.textContent('[data-testid=study-total]')).toMatch(/^12 runs, about .+ of training/);
    await shot('study-form');
    // Enter in the epochs field asks for confirmation; nothing is queued yet.
    await page.press('[data-testid=study-epochs]', 'Enter');
    await page.waitForSelector('[data-testid=study-confirm]');
    expect((await gqlAt<{ runs: { totalCount: number } }>(server.url, '{ runs { totalCount } }')).runs.totalCount).toBe(0);
    await shot('study-confirm');
    await page.click('[data-testid=study-confirm-yes]');
    await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid=group-progress]');
    await shot('group-live');

    // The group page follows the runs live until all twelve have finished.
    await page.waitForFunction(() => document.querySelector('[data-testid=group-finished]')?.textContent === '12 of 12 finished', undefined, { timeout: 900_000, polling: 1000 });
    const statuses = await page.$$eval('[data-testid=group-members-table] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses).toEqual(Array(12).fill('SUCCEEDED'));
    const presets = await page.$$eval('[data-testid=group-members-table] tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
    expect(presets[0]).toBe('M0 (modified: epochs)');
    expect(presets.at(-1)).toBe('M3b (modified: epochs)');
    // Its own report: every preset has its run, with our test accuracy.
    const reportRows = await page.$$eval('[data-testid=group-report] [data-testid=report-table] tbody tr', (rows) => rows.map((r) => r.querySelector('a')?.textContent ?? null));
    expect(reportRows).toHaveLength(12);
    expect(reportRows.every((name) => !!name)).toBe(true);
    await shot('group-done');
    expect(pageErrors).toEqual([]);
  }, 1_000_000);

  it('the report says MNIST is not the study\'s data, uses no modified run unless one is pinned, and shows the pin', async () => {
    await page.goto(`${server.url}/report?dataset=mnist`);
    await page.waitForSelector('[data-testid=report-table]');
    expect(await page.textContent('[data-testid=not-comparable]')).toMatch(/figures are for EMNIST ByMerge; mnist \(10 classes\) cannot be compared/);
    const m0 = page.locator('[data-testid=report-rows] tr[data-preset=M0]');
    expect(await m0.textContent()).toMatch(/no finished exact run; 1 modified run is not used unless pinned/);
    expect(await page.textContent('[data-testid=report-coverage]')).toMatch(/^0 of 12 presets covered/);
    expect(await page.textContent('[data-testid=protocol-notes]')).toMatch(/How the loss is reduced over a batch/);
    await shot('report-unpinned');

    // Pin the 1-epoch M0 from its run page; the report now names it, as modified, pinned by the admin.
    const runPath = await page.locator('[data-testid=report-rows] tr[data-preset=M0] a').count();
    expect(runPath).toBe(0);
    const { runs } = await gqlAt<{ runs: { edges: { node: { id: string } }[] } }>(server.url, '{ runs(filter: { preset: "M0" }) { edges { node { id } } } }');
    await page.goto(`${server.url}/runs/${runs.edges[0].node.id}`);
    expect(await page.textContent('[data-testid=run-facts]')).toMatch(/preset M0 \(modified: epochs\)/);
    await page.click('[data-testid=run-group-link]');
    await page.waitForURL(/\/groups\//);
    await page.goBack();
    await page.selectOption('#pin-preset', 'M0');
    await page.click('[data-testid=pin-run]');
    await page.waitForSelector('text=Pinned: this run stands for M0 in the mnist report.');
    await page.goto(`${server.url}/report?dataset=mnist`);
    const pinned = page.locator('[data-testid=report-rows] tr[data-preset=M0]');
    await pinned.locator('text=pinned').first().waitFor();
    expect(await pinned.locator('[data-testid=report-label]').textContent()).toBe('M0 (modified: epochs)');
    expect(await pinned.textContent()).toMatch(/pinned by E2E Admin on \d{4}-\d\d-\d\d/);
    expect(await page.textContent('[data-testid=report-coverage]')).toMatch(/^1 of 12 presets covered/);
    await shot('report-pinned');
    // Unpinned again from the report.
    await page.click('[data-testid=unpin-M0]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=unpin-M0]'));
    expect(await page.textContent('[data-testid=report-coverage]')).toMatch(/^0 of 12 presets covered/);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('pins the whole 1-epoch study to the report from its group page, on purpose', async () => {
    const { groups } = await gqlAt<{ groups: { id: string }[] }>(server.url, '{ groups(first: 1) { id } }');
    await page.goto(`${server.url}/groups/${groups[0].id}`);
    await page.click('[data-testid=group-pin]');
    await page.waitForSelector('[data-testid=group-actions] [role=status]:has-text("12 runs pinned to the mnist report.")');
    await page.goto(`${server.url}/report?dataset=mnist`);
    await page.waitForSelector('[data-testid=report-coverage]');
    expect(await page.textContent('[data-testid=report-coverage]')).toMatch(/^12 of 12 presets covered/);
    expect(await page.locator('[data-testid=report-rows] tr:has-text("pinned by E2E Admin")').count()).toBe(12);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
