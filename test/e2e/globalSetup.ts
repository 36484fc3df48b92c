/**
 * vitest globalSetup, once before any test file runs: regenerates the generated code when its schemas
 * changed (so `npx vitest` works after a schema edit without `npm run generate`), then builds Next.js
 * when the pages' sources changed, so browser test files never build in parallel. (Each e2e file also
 * calls buildNext(), which is a no-op when the build is current, so they work without this hook too.)
 * The build is skipped when chromium is missing.
 */
import { generate } from '../../scripts/generate';
import { buildNext, findChromium } from './harness';

export default async function setup(): Promise<void> {
  if (await generate()) console.log('[test] regenerated the Prisma client and GraphQL types');
  if (!findChromium()) return;
  const seconds = buildNext();
  if (seconds) console.log(`[e2e] built Next.js in ${seconds.toFixed(0)} s`);
}
