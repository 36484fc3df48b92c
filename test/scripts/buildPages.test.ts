/**
 * When `npm start` and the browser tests rebuild the pages: the sources are app/ and what it imports
 * (followed through relative and '@/' imports, transitively), the build configs and the lock file;
 * the fingerprint follows their contents, not their modification times (a clone or checkout touches
 * every file), and NEXT_PUBLIC_* settings. Checked on a small tree of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageSources, pagesFingerprint } from '../../scripts/build-pages';

let root: string;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-pages-'));
  write('node_modules/next/package.json', '{"version":"16.0.0"}');
  write('package-lock.json', '{}');
  write('next.config.mjs', 'export default {};');
  write('app/page.tsx', "import { a } from '../trainer/config/schema';\nimport Chart from './_charts/chart';\nimport 'd3';\nexport default () => a + Chart;");
  write('app/_charts/chart.ts', "export { b as default } from '@/trainer/result';");
  write('app/globals.css', 'body {}');
  write('trainer/config/schema.ts', "import { c } from './presets';\nexport const a = c;");
  write('trainer/config/presets.ts', 'export const c = 1;');
  write('trainer/result.ts', "export const b = await import('./types');");
  write('trainer/types.ts', 'export {};');
  write('trainer/engine/heavy.ts', 'export const unrelated = 1;');
  write('server/app.ts', 'export {};');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('the pages build fingerprint', () => {
  it('covers app/, the configs and everything app/ imports (transitively), nothing else', () => {
    expect(pageSources(root)).toEqual([
      'app/_charts/chart.ts',
      'app/globals.css',
      'app/page.tsx',
      'next.config.mjs',
      'package-lock.json',
      'trainer/config/presets.ts',
      'trainer/config/schema.ts',
      'trainer/result.ts',
      'trainer/types.ts',
    ]);
  });

  it('ignores modification times and unrelated files, and follows contents and NEXT_PUBLIC_ settings', () => {
    const first = pagesFingerprint(root);
    const later = new Date(Date.now() + 60_000);
    for (const f of pageSources(root)) fs.utimesSync(path.join(root, f), later, later);
    write('server/app.ts', 'export const changed = true;');
    write('trainer/engine/heavy.ts', 'export const unrelated = 2;');
    expect(pagesFingerprint(root)).toBe(first);

    write('trainer/config/presets.ts', 'export const c = 2;'); // reached only through schema.ts
    const edited = pagesFingerprint(root);
    expect(edited).not.toBe(first);
    write('trainer/config/presets.ts', 'export const c = 1;');
    expect(pagesFingerprint(root)).toBe(first);

    process.env.NEXT_PUBLIC_PROBE = 'x';
    try {
      expect(pagesFingerprint(root)).not.toBe(first);
    } finally {
      delete process.env.NEXT_PUBLIC_PROBE;
    }
  });
});
