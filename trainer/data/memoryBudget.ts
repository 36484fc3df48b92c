/**
 * How much memory a dataset's pool may take: DATA_MEMORY_LIMIT_MB (default 1,024 MB; EMNIST ByMerge's
 * 814,255 images pool to 638 MB). Checked from the IDX headers before any data is read or inflated,
 * for each file and for the pool they make together, and while a CSV file grows: a well-formed header
 * declaring 2 GiB of sparse zeros, or a 1 MB gzip that inflates to 1 GiB, passed every other check and
 * took 6.45 GB and 2.41 GB of memory (issue 24). The refusal names the file, the size and the limit.
 */
import { DatasetError } from './errors';

const MB = 2 ** 20;

export function dataMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATA_MEMORY_LIMIT_MB;
  const mb = raw === undefined || raw === '' ? NaN : Number(raw);
  return (Number.isFinite(mb) && mb > 0 ? mb : 1024) * MB;
}

/** Throws a DatasetError naming `file` when `bytes` of pool exceed the budget. */
export function checkDataBudget(file: string, bytes: number, what: string): void {
  const budget = dataMemoryBudget();
  if (bytes <= budget) return;
  throw new DatasetError(
    file,
    `${what} would take ${Math.ceil(bytes / MB).toLocaleString('en-US')} MB of memory, over the ${Math.round(budget / MB).toLocaleString('en-US')} MB data budget (DATA_MEMORY_LIMIT_MB); check the file, or raise DATA_MEMORY_LIMIT_MB if the data really is that large`,
  );
}
