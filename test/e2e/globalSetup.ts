/**
 * Optional vitest globalSetup: builds Next.js once before any test file runs, so browser test files
 * never build in parallel. (Each e2e file also calls buildNext(), which is a no-op when the build is
 * current, so the tests work without this hook too.) Skipped when chromium is missing.
 */
import { buildNext, findChromium } from './harness';

export default function setup(): void {
  if (!findChromium()) return;
  const seconds = buildNext();
  if (seconds) console.log(`[e2e] built Next.js in ${seconds.toFixed(0)} s`);
}
