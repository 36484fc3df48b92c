/**
 * The code version recorded in every result: the git commit (with "-dirty" when the tree has
 * uncommitted changes) where available, else the package version.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function codeVersion(): string {
  if (cached) return cached;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    cached = dirty ? `${commit}-dirty` : commit;
  } catch {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    cached = `v${pkg.version}`;
  }
  return cached;
}
