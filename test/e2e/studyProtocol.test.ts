/**
 * The study form's one protocol choice in Chromium (issue 25), against the real server with no worker
 * (nothing needs to train): "as published (summed gradients)" is the default and queues M0–M1h exactly
 * as the study ran them; "batch mean" queues their variants ("M1c · batch mean"), which the preview,
 * the confirmation, the group page and the group's report all name, and the report page lists apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, gqlAt, startBrowserSuite, type TestServer } from './harness';

const chromiumPath = findChromium();
const shots = process.env.E2E_SCREENSHOTS; // a folder: save what the test saw, for a person to look at

describe.skipIf(!chromiumPath)('the study form\'s protocol choice', () => {
  let server: TestServer;
  let page: Page;
  let pageErrors: string[] = [];
  let closeSuite: () => Promise<void>;
  const shot = async (name: string) => {
    if (!shots) return;
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };
  const previewLabels = () => page.$$eval('[data-testid=study-preview] tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));

  beforeAll(async () => {
    ({ server, page, pageErrors, close: closeSuite } = await startBrowserSuite(chromiumPath!, { env: { WORKERS: '0' }, viewport: { width: 1280, height: 900 } }));
  }, 180_000);

  afterAll(async () => closeSuite?.(), 60_000);

  it('defaults to as published, previews the variants when batch mean is chosen, and the group carries the choice', async () => {
    await page.goto(`${server.url}/launch/study?dataset=mnist`);
    await page.waitForSelector('[data-testid=study-form]');
    await page.selectOption('[data-testid=study-dataset]', 'mnist');
    expect(await page.inputValue('[data-testid=study-protocol]')).toBe('PUBLISHED');
    expect(await page.$$eval('[data-testid=study-protocol] option', (o) => o.map((x) => x.textContent))).toEqual(['as published (summed gradients)', 'batch mean']);
    // As published: every row exactly its preset, no "modified".
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=study-preview] tbody tr').length === 12);
    expect(await previewLabels()).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h', 'M2', 'M3a', 'M3b']);
    expect(await page.textContent('[data-testid=study-protocol-hint]')).toMatch(/M0–M1h sum the cross-entropy over each batch/);

    await page.selectOption('[data-testid=study-protocol]', 'BATCH_MEAN');
    await page.waitForFunction(() => document.querySelector('[data-testid=study-preview] tbody tr td')?.textContent === 'M0 · batch mean');
    expect(await previewLabels()).toEqual([
      'M0 · batch mean', 'M1a · batch mean', 'M1b · batch mean', 'M1c · batch mean', 'M1d · batch mean', 'M1e · batch mean',
      'M1f · batch mean', 'M1g · batch mean', 'M1h · batch mean', 'M2', 'M3a', 'M3b',
    ]);
    expect(await page.textContent('[data-testid=study-protocol-hint]')).toMatch(/Listed apart in the report, without the study’s figures/);
    await shot('study-protocol-form');
    await page.click('[data-testid=study-review]');
    await page.waitForSelector('[data-testid=study-confirm]');
    expect(await page.textContent('[data-testid=study-confirm]')).toMatch(/Queue 12 runs on mnist, batch mean, about/);
    expect((await gqlAt<{ runs: { totalCount: number } }>(server.url, '{ runs { totalCount } }')).runs.totalCount).toBe(0);
    await page.click('[data-testid=study-confirm-yes]');
    await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/);

    // The group page and its report carry the choice.
    await page.waitForSelector('[data-testid=group-report] [data-testid=report-table]');
    expect(await page.textContent('[data-testid=group-page] h1 + p')).toMatch(/on mnist, protocol batch mean, every preset as it is/);
    const report = page.locator('[data-testid=group-report]');
    expect(await report.locator('h2').first().textContent()).toBe('This study\'s report: batch mean');
    const labels = await report.locator('[data-testid=report-label]').allTextContents();
    expect(labels.slice(0, 2)).toEqual(['M0 · batch mean', 'M1a · batch mean']);
    expect(labels.at(-1)).toBe('M3b');
    expect(await report.locator('tr[data-preset=M1c] [data-testid=report-protocol]').textContent()).toBe('batch mean · not the study’s');
    expect(await report.locator('tr[data-preset=M2] [data-testid=report-protocol]').textContent()).toBe('batch mean');
    const members = await page.$$eval('[data-testid=group-members-table] tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
    expect(members[3]).toBe('M1c · batch mean');
    const { groups } = await gqlAt<{ groups: { protocol: string; runs: { presetVariant: string | null; presetExact: boolean }[] }[] }>(server.url, '{ groups(first: 1) { protocol runs { presetVariant presetExact } } }');
    expect(groups[0].protocol).toBe('BATCH_MEAN');
    expect(groups[0].runs.map((r) => r.presetVariant)).toEqual([...Array(9).fill('batch mean'), null, null, null]);
    expect(groups[0].runs.every((r) => r.presetExact)).toBe(true);
    await shot('study-protocol-group');

    // The report page lists the other protocol apart, under its own heading.
    await page.goto(`${server.url}/report?dataset=mnist`);
    await page.waitForSelector('[data-testid=report-other-protocol] [data-testid=report-table]');
    expect(await page.locator('[data-testid=report-other-protocol] h2').first().textContent()).toBe('The other protocol: batch-mean variants of M0–M1h');
    expect(await page.locator('[data-testid=report-other-protocol] [data-testid=report-label]').allTextContents()).toHaveLength(9);
    expect(await page.locator('[data-testid=report-rows] tr[data-preset=M1c] [data-testid=report-protocol]').textContent()).toBe('summed gradients');
    await shot('study-protocol-report');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
