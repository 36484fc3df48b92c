/**
 * `npm run screenshots`: builds the dashboard if needed, starts the real server on port 0 with a fresh
 * database, queues the study (M0–M3b, a few epochs each) on a small dataset, waits for it, and saves
 * every page at desktop width (1280×800, in screenshots/, full-page versions in screenshots/full/) and
 * at phone width (390×844, full page, in screenshots/phone/).
 *
 * Environment: EMNIST_DIR (default ../shared/data/emnist when present; the 47-class fixture is used),
 * SCREENSHOT_DATASET (override the dataset), SCREENSHOT_EPOCHS (default 4), CHROMIUM_PATH.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, buildNext, findChromium, gqlAt, openBrowser, signIn, startServer, waitForRuns } from '../test/e2e/harness';

const OUT = path.join(ROOT, 'screenshots');

async function main() {
  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error('chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const built = buildNext();
  console.log(built ? `built Next.js in ${built.toFixed(0)} s` : 'Next.js build is current');

  const sharedEmnist = path.resolve(ROOT, '../shared/data/emnist');
  const env: Record<string, string | undefined> = {};
  if (!process.env.EMNIST_DIR && fs.existsSync(sharedEmnist)) env.EMNIST_DIR = sharedEmnist;
  const server = await startServer({ env: { ...env, WORKERS: process.env.WORKERS ?? '2' } });
  console.log(`server at ${server.url}`);
  const { context, close } = await openBrowser(chromiumPath);
  try {
    const { datasets } = await gqlAt<{ datasets: { name: string; available: boolean; isDefault: boolean }[] }>(server.url, '{ datasets { name available isDefault } }');
    const dataset = process.env.SCREENSHOT_DATASET ?? datasets.find((d) => d.name.endsWith('strat100'))?.name ?? datasets.find((d) => d.isDefault)!.name;
    const epochs = Number(process.env.SCREENSHOT_EPOCHS ?? 4);
    console.log(`queuing the study on ${dataset}, ${epochs} epochs each`);
    const study = await gqlAt<{ launchStudy: { id: string; runs: { id: string; preset: string }[] } }>(
      server.url,
      'mutation($i: LaunchStudyInput){ launchStudy(input: $i){ id runs { id preset } } }',
      { i: { dataset, overrides: { epochs } } },
    );
    const runs = study.launchStudy.runs;
    const byPreset = (p: string) => runs.find((r) => r.preset === p)?.id ?? runs[0].id;
    const page = await context.newPage();
    await signIn(page, server);
    for (const dir of ['full', 'phone']) fs.mkdirSync(path.join(OUT, dir), { recursive: true });

    // The runs page while the study is in progress (live statuses and queue positions).
    await shoot(page, `${server.url}/`, 'runs-live', '[data-run-id] [data-status=RUNNING]');
    await waitForRuns(server.url, runs.map((r) => r.id), 15 * 60_000);

    await gqlAt(server.url, 'mutation($id: ID!, $i: UpdateRunInput!){ updateRun(id: $id, input: $i){ id } }', { id: byPreset('M1g'), i: { tags: ['deeper', 'study'], notes: 'Deeper MLP (M1g) from the screenshot study.' } });
    await shoot(page, `${server.url}/`, 'runs', '[data-run-id]');
    await shoot(page, `${server.url}/runs/${byPreset('M1g')}`, 'run', '[data-testid=confusion] svg');
    // The gallery of the run's most confused pair, opened from the list beside the matrix.
    await page.click('[data-testid=confused-pairs] button >> nth=0');
    await page.waitForSelector('[data-testid=examples] [data-testid=example] canvas');
    await page.waitForTimeout(800);
    await save(page, 'run-gallery');
    await shoot(page, `${server.url}/compare?ids=${['M0', 'M1g', 'M3b'].map(byPreset).join(',')}`, 'compare', '[data-testid=confusion-diff] svg');
    await shoot(page, `${server.url}/playground?runs=${['M0', 'M1g', 'M3b'].map(byPreset).join(',')}`, 'playground-empty', '[data-testid=drawing-pad]');
    await drawSeven(page);
    await page.waitForSelector('[data-testid=run-answer] >> nth=2');
    await save(page, 'playground');
    await shoot(page, `${server.url}/launch`, 'launch', '[data-testid=launch-form]');
    await page.fill('#f-lr', '-1');
    await page.fill('#f-hidden', '128, abc');
    await page.click('[data-testid=launch-submit]');
    await page.waitForSelector('[data-testid="error-lr"]:has-text("greater than 0")');
    await save(page, 'launch-invalid');
    const full = datasets.find((d) => d.name === 'emnist-bymerge' && d.available)?.name ?? dataset;
    await shoot(page, `${server.url}/datasets/${full}`, 'dataset', '[data-testid=samples] canvas');
    // The study's runs are modified (fewer epochs), so the report uses them only when pinned: pin all but M1h.
    for (const r of runs.filter((r) => r.preset !== 'M1h')) {
      await gqlAt(server.url, 'mutation($d: String!, $p: String!, $r: ID!){ pinReportRun(dataset: $d, preset: $p, runId: $r){ dataset } }', { d: dataset, p: r.preset, r: r.id });
    }
    await shoot(page, `${server.url}/report?dataset=${dataset}`, 'report', '[data-testid=report-rows]');
    await shoot(page, `${server.url}/groups/${study.launchStudy.id}`, 'group', '[data-testid=group-members-table]');
    await shoot(page, `${server.url}/launch/study`, 'study-form', '[data-testid=study-preview] tbody tr');
    await shoot(page, `${server.url}/datasets`, 'datasets', '[data-testid=dataset-list]');
    await shoot(page, `${server.url}/compare?ids=${byPreset('M1g')}`, 'compare-one-run', '[data-testid=compare-too-few]');
    await shoot(page, `${server.url}/workers`, 'workers', '[data-testid=workers-page]');
    await shoot(page, `${server.url}/settings`, 'settings', '[data-testid=account]');
    await shoot(page, `${server.url}/admin/users`, 'admin-users', '[data-testid=users]');
    await shoot(page, `${server.url}/admin/audit`, 'admin-audit', '[data-testid=audit-log]');
    await shoot(page, `${server.url}/runs/00000000-0000-4000-8000-000000000000`, 'not-found', '[data-testid=not-found]');

    // A run page while training: queue a longer run and catch it mid-way.
    const live = await gqlAt<{ launchRun: { id: string } }>(server.url, 'mutation($i: LaunchRunInput!){ launchRun(input: $i){ id } }', {
      i: { preset: 'M1b', dataset, name: 'M1b live', config: { epochs: 40, earlyStopping: null } },
    });
    await page.goto(`${server.url}/runs/${live.launchRun.id}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=epoch-count]')?.textContent?.split(' ')[0] ?? 0) >= 3, null, { timeout: 180_000 });
    await page.waitForTimeout(800);
    await save(page, 'run-live');
    await gqlAt(server.url, 'mutation($id: ID!){ cancelRun(id: $id){ id } }', { id: live.launchRun.id });
    await shoot(page, `${server.url}/runs/${live.launchRun.id}`, 'run-cancelled', '[data-testid=run-page][data-status=CANCELLED]');
    // Signed out: the sign-in page.
    await context.clearCookies();
    await shoot(page, `${server.url}/`, 'sign-in', '[data-testid=sign-in]');
    console.log(`screenshots in ${path.relative(ROOT, OUT)}/`);
  } finally {
    await close();
    await server.stop();
  }
}

/** A '7' on the playground's pad: a top bar, then a diagonal down to the left. */
async function drawSeven(page: Page) {
  const box = (await page.locator('[data-testid=drawing-pad]').boundingBox())!;
  const at = (x: number, y: number) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [[0.5, 0.2], [0.75, 0.2], [0.62, 0.45], [0.5, 0.65], [0.42, 0.82]]) await page.mouse.move(...at(x, y), { steps: 6 });
  await page.mouse.up();
}

async function shoot(page: Page, url: string, name: string, readySelector: string) {
  await page.goto(url);
  await page.waitForSelector(readySelector, { timeout: 60_000 });
  await page.waitForTimeout(800); // let charts measure and draw
  await save(page, name);
}

/** The page as it is (desktop, then full page), then the same page at phone width. */
async function save(page: Page, name: string) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  await page.screenshot({ path: path.join(OUT, 'full', `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(800); // charts measure the new width and redraw
  await page.screenshot({ path: path.join(OUT, 'phone', `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(300);
  console.log(`  ${name}.png (desktop and phone)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
