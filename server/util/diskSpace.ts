/**
 * Free space on the disks the service writes to: the embedded database under DATA_DIR and the models
 * under MODELS_DIR. A disk under DISK_MIN_FREE_MB (100 MB) counts as full: the database keeper waits for
 * space before starting PostgreSQL again, workers claim no runs, and /healthz names the disk (issue 24:
 * a full DATA_DIR stopped PostgreSQL for good, and a full models disk let runs "succeed" with a truncated
 * weights.bin). The threshold is read at every check, so an operator who frees space or lowers it needs
 * no restart. Also recognises the errors a full disk raises (ENOSPC, PostgreSQL's disk_full).
 */
import fs from 'node:fs';
import path from 'node:path';

const MB = 2 ** 20;

export function minFreeBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.DISK_MIN_FREE_MB);
  return (Number.isFinite(mb) && mb >= 0 && env.DISK_MIN_FREE_MB !== '' && env.DISK_MIN_FREE_MB !== undefined ? mb : 100) * MB;
}

/** Bytes free to this user on the disk of `dir` (its nearest existing ancestor), or null when unknown. */
export function freeBytes(dir: string): number | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const s = fs.statfsSync(d);
      return s.bavail * s.bsize;
    } catch {
      if (path.dirname(d) === d) return null;
    }
  }
}

/** "the disk of DATA_DIR (/x) is full: 3 MB free, under DISK_MIN_FREE_MB (100 MB)", or null when it has room. */
export function diskFullProblem(dir: string, label: string): string | null {
  const free = freeBytes(dir);
  const min = minFreeBytes();
  if (free === null || free >= min) return null;
  return `the disk of ${label} (${path.resolve(dir)}) is full: ${Math.floor(free / MB).toLocaleString('en-US')} MB free, under DISK_MIN_FREE_MB (${Math.round(min / MB).toLocaleString('en-US')} MB)`;
}

/** Whether an error (or its cause) says a disk is full: ENOSPC, EDQUOT, PostgreSQL 53100, or its message. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === '53100') return true;
    if (typeof e.message === 'string' && /No space left on device|disk quota exceeded/i.test(e.message)) return true;
  }
  return false;
}
