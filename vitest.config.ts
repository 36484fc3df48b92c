// Test runner configuration. Tests mirror the source tree under test/.
// Training tests are CPU-heavy on 2-core machines, so files run in a few forks and
// the timeout is generous; speed itself is measured in `npm run bench`, never here.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the Next.js pages once (only when their sources changed) before any browser test runs.
    globalSetup: ['test/e2e/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
