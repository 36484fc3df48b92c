/**
 * Shared command-line plumbing: where the data is (--data, EMNIST_DIR, or explicit --images/--labels
 * pairs), and config overrides from flags. Errors are printed as one clear line and exit code 2.
 */
import path from 'node:path';
import { loadDataset, type DatasetSpec, type Role } from '../data/load';
import type { Dataset } from '../data/dataset';

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** Role of an IDX/CSV file from its name: files named *train* are training data, anything else test. */
function roleOf(file: string): Role {
  return /train/i.test(path.basename(file)) ? 'train' : 'test';
}

export function datasetSpecFromArgs(opts: { data?: string; images?: string[]; labels?: string[]; mapping?: string; name?: string; transposed?: boolean; fixture?: string }): DatasetSpec {
  const images = opts.images ?? [];
  const labels = opts.labels ?? [];
  if (images.length || labels.length) {
    if (images.length !== labels.length) fail(`give one --labels file for each --images file (got ${images.length} images, ${labels.length} labels)`);
    const csv = images.every((f) => /\.csv(\.gz)?$/i.test(f));
    const name = opts.name ?? path.basename(images[0]).replace(/[-_.](train|test).*$/i, '').replace(/\..*$/, '');
    if (csv) return { kind: 'csv', name, files: images.map((file) => ({ file, role: roleOf(file) })), mapping: opts.mapping, transposed: opts.transposed };
    return { kind: 'idx', name, files: images.map((img, i) => ({ images: img, labels: labels[i], role: roleOf(img) })), mapping: opts.mapping, transposed: opts.transposed };
  }
  const dir = opts.data ?? process.env.EMNIST_DIR;
  if (!dir) fail('no data: pass --data DIR (a folder with the EMNIST ByMerge files) or set EMNIST_DIR, or name files with --images/--labels');
  const fixture = opts.fixture as 'strat100' | 'first1000' | undefined;
  if (fixture && fixture !== 'strat100' && fixture !== 'first1000') fail(`--fixture must be strat100 or first1000, not "${fixture}"`);
  return { kind: 'emnist', dir, fixture };
}

export async function loadDatasetOrExit(spec: DatasetSpec): Promise<Dataset> {
  try {
    return await loadDataset(spec);
  } catch (err) {
    fail((err as Error).message);
  }
}
