/**
 * vitest globalSetup, once before any test file runs:
 * - regenerates the generated code when its schemas changed (so `npx vitest` works after a schema
 *   edit without `npm run generate`);
 * - checks that the embedded PostgreSQL can run here (as root from a private folder it may not) and
 *   otherwise ends the whole run at once with the one-line explanation, instead of every server test
 *   file waiting out its hook timeout;
 * - builds Next.js when the pages' sources changed, so browser test files never build in parallel
 *   (each e2e file also calls buildNext(), a no-op when the build is current). Skipped without chromium.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkEmbeddedPostgres } from '../../server/db/embedded';
import { isStartupError } from '../../server/util/startupError';
import { buildNext, findChromium, ROOT } from './harness';

export default async function setup(): Promise<void> {
  // In its own process: under vitest's module loader, graphql would load twice (ESM and CJS) and
  // codegen's plugins would refuse the schema built by the other copy.
  const generated = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/generate.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (generated.status !== 0) throw new Error('npm run generate failed (see above)');
  try {
    await checkEmbeddedPostgres();
  } catch (err) {
    if (!isStartupError(err)) throw err;
    console.error(`[test] ${err.message}`);
    process.exit(1);
  }
  if (!findChromium()) return;
  const seconds = buildNext();
  if (seconds) console.log(`[e2e] built Next.js in ${seconds.toFixed(0)} s`);
}
