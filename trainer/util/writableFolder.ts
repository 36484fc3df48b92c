/**
 * Whether a folder can take files, checked by doing it (create it if missing, write and remove a probe
 * file): permission bits alone do not tell (root, read-only mounts, a file in the way, a full disk).
 * Used before training starts, so a run never finishes only to find it cannot save its model.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Null when `dir` is a writable folder (created if missing), else one line saying what is wrong. */
export async function writableFolderProblem(dir: string, what = 'folder'): Promise<string | null> {
  const abs = path.resolve(dir);
  const probe = path.join(abs, `.write-test-${process.pid}-${Date.now()}`);
  try {
    await fs.mkdir(abs, { recursive: true });
    await fs.writeFile(probe, '');
    await fs.rm(probe, { force: true });
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way (the path or one of its parents is not a folder)'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EROFS' ? 'the file system is read-only'
      : code === 'ENOSPC' ? 'the disk is full'
      : `${code ?? 'error'}: ${(err as Error).message}`;
    return `the ${what} ${abs} is not writable (${why})`;
  }
}
