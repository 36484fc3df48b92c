/**
 * Error analysis in the browser, against the real server (fresh database, one worker, two tiny MNIST
 * runs): clicking a confusion cell (pointer or keyboard) shows exactly that cell's test images in the
 * promised order with the cell's count; the per-epoch scrubber steps the matrix and its per-class F1;
 * a test image opens in the playground; drawing a stroke on the playground canvas gets answers from
 * two runs, and undo empties them; a cell of compare's difference map shows the images one run gets
 * right and the other wrong. The run page with its gallery open and the playground are checked with
 * axe at desktop and phone width, and fit a phone.
 */
import AxeBuilder from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findChromium, gqlAt, startBrowserSuite, waitForRuns, type TestServer } from './harness';

const chromiumPath = findChromium();
const LAUNCH = 'mutation($i: LaunchRunInput!){ launchRun(input: $i){ id } }';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

interface Example { index: number; prediction: { confidence: number } }

describe.skipIf(!chromiumPath)('error analysis in the browser: gallery, scrubber, playground', () => {
  let server: TestServer;
  let page: Page;
  let pageErrors: string[] = [];
  let closeSuite: () => Promise<void>;
  const runs = { a: '', b: '' };

  beforeAll(async () => {
    ({ server, page, pageErrors, close: closeSuite } = await startBrowserSuite(chromiumPath!, { env: { WORKERS: '1' }, viewport: DESKTOP }));
    const launch = async (name: string, hidden: number[]) =>
      (await gqlAt<{ launchRun: { id: string } }>(server.url, LAUNCH, { i: { name, preset: 'M1b', dataset: 'mnist', config: { hidden, epochs: 3, backend: 'cpu' } } })).launchRun.id;
    runs.a = await launch('gallery wide', [32]);
    runs.b = await launch('gallery narrow', [4]);
    await waitForRuns(server.url, [runs.a, runs.b], 240_000);
  }, 400_000);

  afterAll(async () => closeSuite?.(), 60_000);

  afterEach(async () => {
    await page.setViewportSize(DESKTOP);
    expect(pageErrors.splice(0)).toEqual([]);
  });

  /** Clicks cell (row, col) of the heatmap in `testId`, n×n classes. */
  async function clickCell(testId: string, row: number, col: number, n: number) {
    const overlay = page.locator(`[data-testid=${testId}] svg rect.overlay`);
    await overlay.waitFor({ state: 'visible' });
    const box = (await overlay.boundingBox())!;
    await overlay.click({ position: { x: ((col + 0.5) * box.width) / n, y: ((row + 0.5) * box.height) / n } });
  }

  it('clicks a confusion cell and sees exactly its test images, most confidently wrong first, with its count', async () => {
    const { run } = await gqlAt<{ run: { evaluation: { confusion: number[][] } } }>(server.url, 'query($id: ID!) { run(id: $id) { evaluation { confusion } } }', { id: runs.a });
    const m = run.evaluation.confusion;
    let cell = [0, 1];
    m.forEach((r, t) => r.forEach((v, p) => t !== p && v > m[cell[0]][cell[1]] && (cell = [t, p])));
    const [t, p] = cell;
    const expected = (await gqlAt<{ run: { examples: { totalCount: number; items: Example[] } } }>(
      server.url, 'query($id: ID!, $t: Int, $p: Int) { run(id: $id) { examples(trueClass: $t, predictedClass: $p, first: 60) { totalCount items { index prediction { confidence } } } } }', { id: runs.a, t, p },
    )).run.examples;
    expect(expected.totalCount).toBe(m[t][p]);
    await page.goto(`${server.url}/runs/${runs.a}`);
    await page.waitForSelector('[data-testid=confusion-heatmap] svg');
    await clickCell('confusion-heatmap', t, p, 10);
    await page.waitForSelector('[data-testid=examples] [data-testid=example]');
    expect(await page.textContent('[data-testid=examples-panel] h2')).toBe(`Test images: True ${t} predicted as ${p} (most confidently wrong first)`);
    expect(await page.textContent('[data-testid=examples-count]')).toBe(`${m[t][p]} image${m[t][p] === 1 ? '' : 's'}`);
    const shown = await page.locator('[data-testid=examples] [data-testid=example]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
    expect(shown).toEqual(expected.items.map((e) => e.index));
    expect(await page.locator('[data-testid=examples] canvas').count()).toBe(shown.length);

    // The keyboard reaches the same gallery: focus the matrix, move the cursor from the selected cell, Enter.
    await page.focus('[data-testid=confusion-heatmap] svg rect.overlay');
    await page.keyboard.press(p < 9 ? 'ArrowRight' : 'ArrowLeft');
    await page.keyboard.press('Enter');
    const col = p < 9 ? p + 1 : p - 1;
    await page.waitForSelector(`[data-testid=examples-panel] h2:has-text("True ${t} predicted as ${col}")`);
    // The most confidently wrong images of the run.
    await page.click('[data-testid=examples-panel] button:has-text("most confidently wrong of the run")');
    await page.waitForSelector('[data-testid=examples-panel] h2:has-text("most confidently wrong test images")');
    await page.waitForSelector('[data-testid=examples] [data-testid=example]');
  });

  it('steps the confusion matrix through the epochs with the scrubber, per-class F1 following', async () => {
    await page.goto(`${server.url}/runs/${runs.a}`);
    await page.waitForSelector('[data-testid=confusion-scrubber]');
    expect(await page.textContent('[data-testid=scrubber-label]')).toMatch(/^test set \(final\) · [\d,]+ images$/);
    await page.fill('[data-testid=scrubber-slider]', '0');
    await page.waitForSelector('[data-testid=confusion] h2:has-text("validation, after epoch 1")');
    const { run } = await gqlAt<{ run: { epochs: { valConfusion: number[][] }[] } }>(server.url, 'query($id: ID!) { run(id: $id) { epochs { valConfusion } } }', { id: runs.a });
    const validationImages = run.epochs[0].valConfusion.flat().reduce((a, b) => a + b, 0);
    expect(await page.textContent('[data-testid=scrubber-label]')).toBe(`epoch 1 (validation) · ${validationImages.toLocaleString('en-US')} images`);
    expect(await page.textContent('[data-testid=f1-bars] h2')).toBe('Per-class F1 (validation, epoch 1)');
    await page.click('[data-testid=scrubber-play]');
    await page.waitForSelector('[data-testid=confusion] h2:has-text("test set")', { timeout: 10_000 });
    expect(await page.getAttribute('[data-testid=scrubber-play]', 'aria-pressed')).toBe('false'); // stops at the end
    await page.waitForSelector('[data-testid=pairs-over-epochs] svg');
  });

  it('draws a stroke on the playground canvas and sees predictions from two runs; undo empties them', async () => {
    await page.goto(`${server.url}/playground?runs=${runs.a},${runs.b}`);
    const pad = page.locator('[data-testid=drawing-pad]');
    // Visible, not just attached: a streamed page's content arrives in a hidden container first.
    await pad.waitFor({ state: 'visible' });
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + (0.7 * i) / 12));
    await page.mouse.up();
    await page.waitForSelector('[data-testid=run-answer] >> nth=1');
    const answers = await page.locator('[data-testid=run-answer]').evaluateAll((els) => els.map((e) => ({ run: e.getAttribute('data-run'), classes: e.querySelectorAll('li').length })));
    expect(answers).toEqual([{ run: runs.a, classes: 5 }, { run: runs.b, classes: 5 }]);
    // The preview shows ink.
    const ink = await page.locator('[data-testid=input-preview]').evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, 28, 28).data).filter((v, i) => i % 4 === 0 && v < 128).length);
    expect(ink).toBeGreaterThan(10);
    await page.click('[data-testid=pad-undo]');
    await page.waitForSelector('text=Draw a character on the pad to ask the chosen runs.');
    expect(await page.locator('[data-testid=run-answer]').count()).toBe(0);
  });

  it('opens a gallery image in the playground, asked of its run', async () => {
    await page.goto(`${server.url}/runs/${runs.a}`);
    await page.waitForSelector('[data-testid=confused-pairs] button');
    await page.click('[data-testid=confused-pairs] button >> nth=0');
    const first = page.locator('[data-testid=examples] [data-testid=example]').first();
    await first.waitFor();
    await first.locator('a:has-text("open in playground")').click();
    await page.waitForURL(/\/playground\?/);
    await page.waitForSelector('[data-testid=run-answer]');
    expect(await page.locator('[data-testid=run-answer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual([runs.a]);
    expect(await page.textContent('[data-testid=playground-answers]')).toMatch(/a test image of \d from a gallery/);
  });

  it('shows, for a cell of compare\'s difference map, the images one run gets right and the other wrong', async () => {
    await page.goto(`${server.url}/compare?ids=${runs.a},${runs.b}`);
    await page.waitForSelector('[data-testid=confusion-diff-heatmap] svg');
    await clickCell('confusion-diff-heatmap', 3, 3, 10);
    await page.waitForSelector('[data-testid=compare-examples]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-examples-column] p').length === 2 && [...document.querySelectorAll('[data-testid=compare-examples-column] p')].every((p) => /^\d+ images? among/.test(p.textContent ?? '')));
    const columns = await page.locator('[data-testid=compare-examples-column] h3').allTextContents();
    expect(columns).toEqual(['A (gallery wide) right, B (gallery narrow) wrong', 'B (gallery narrow) right, A (gallery wide) wrong']);
  });

  it('has no serious accessibility violations with the gallery open and on the playground, and fits a phone', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const path of [`/runs/${runs.a}`, '/playground']) {
        await page.goto(`${server.url}${path}`);
        if (path !== '/playground') {
          await page.waitForSelector('[data-testid=confused-pairs] button');
          await page.click('[data-testid=confused-pairs] button >> nth=0');
          await page.waitForSelector('[data-testid=examples] [data-testid=example]');
        }
        await page.waitForLoadState('networkidle');
        const { violations } = await new AxeBuilder({ page }).analyze();
        const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        expect(bad, `${path} at ${viewport.width}px`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${viewport.width}px`).toBeLessThanOrEqual(viewport.width);
      }
    }
  });
});
