/**
 * Creates a folder (and its missing parents) one level at a time, turning every way that can fail into
 * a one-line StartupError naming the setting and what to do. Not `fs.mkdirSync(dir, { recursive: true })`:
 * under /proc that call never returns (Node retries the ENOENT forever at 100% CPU), and where a path
 * component is a file it throws a bare EEXIST/ENOTDIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './startupError';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOENT: 'folders cannot be created there',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * @param dir     the folder to create (absolute or relative to the working directory)
 * @param setting the setting that chose it (e.g. DATA_DIR), named in every error with what to do
 */
export function ensureDirectory(dir: string, setting: string): string {
  const target = path.resolve(dir);
  const fail = (what: string) => new StartupError(`${setting}=${dir}: ${what}. Point ${setting} at a folder you can write to (it is created if missing).`);
  const missing: string[] = [];
  for (let p = target; ; p = path.dirname(p)) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        missing.unshift(p);
        continue; // a parent is a file: found on the way up
      }
      if (code !== 'ENOENT') throw fail(`cannot use ${p} (${REASONS[code ?? ''] ?? code})`);
    }
    if (st) {
      if (!st.isDirectory()) throw fail(`${p} is a file, not a folder`);
      break;
    }
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      fs.mkdirSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST' && fs.statSync(p).isDirectory()) continue; // created by someone else meanwhile
      if (code === 'EEXIST' || code === 'ENOTDIR') throw fail(`${code === 'EEXIST' ? p : path.dirname(p)} is a file, not a folder`);
      throw fail(`cannot create ${p} (${REASONS[code] ?? code})`);
    }
  }
  try {
    fs.accessSync(target, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw fail(`cannot write to ${target} (permission denied)`);
  }
  return target;
}
