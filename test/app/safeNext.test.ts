/** Where the browser goes after signing in: only paths of our own origin (issue 24, finding 3). */
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../app/_lib/auth';

const ORIGIN = 'http://127.0.0.1:3000';

describe('safeNext', () => {
  it('refuses every address a browser would read as another site', () => {
    // searchParams decode ?next=/%5C127.0.0.1:9999/x to a backslash; browsers treat it as a slash.
    for (const next of ['/\\127.0.0.1:9999/x', '/\t/evil.example/x', '/\n/evil.example', '//evil.example', 'https://evil.example/', '/.//evil.example/x', '/a/..//evil.example', 'javascript:alert(1)', '', null, undefined]) {
      expect(safeNext(next, ORIGIN), JSON.stringify(next)).toBe('/');
    }
  });

  it('keeps our own paths, with their query and fragment', () => {
    expect(safeNext('/runs/abc?tab=examples#gallery', ORIGIN)).toBe('/runs/abc?tab=examples#gallery');
    expect(safeNext('/', ORIGIN)).toBe('/');
    expect(safeNext('/compare?ids=a,b', ORIGIN)).toBe('/compare?ids=a,b');
  });
});
