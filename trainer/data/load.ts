/**
 * Turns a dataset description into a pooled in-memory Dataset.
 *  - `emnist`: EMNIST ByMerge found by its official file names in a folder (EMNIST_DIR or --data),
 *    IDX (gzipped or not) or Kaggle CSV; whichever of the train/test splits are present are pooled.
 *  - `idx` / `csv`: any dataset in the same formats named by its files (MNIST, Fashion-MNIST, other
 *    EMNIST splits), class names from a mapping file or simply numbered, class count from the data.
 * Consistency checks name the offending file: image and label counts must agree (compared from the
 * headers, before any data is read), image sizes must agree, labels must fit the mapping — and without
 * a mapping they must be numbered 0…n−1 without gaps (a gap is a corrupt byte or needs --mapping).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Dataset, DataSource } from './dataset';
import { DatasetError } from './errors';
import { readIdxData, readIdxHeader } from './idx';
import { checkDataBudget } from './memoryBudget';
import { readCsvImages } from './csv';
import { readMapping } from './mapping';

export const EMNIST_BYMERGE = 'emnist-bymerge';

export type Role = 'train' | 'test';

export type DatasetSpec =
  | { kind: 'emnist'; dir: string; fixture?: 'strat100' | 'first1000' }
  | { kind: 'idx'; name: string; files: { images: string; labels: string; role: Role }[]; mapping?: string; transposed?: boolean }
  | { kind: 'csv'; name: string; files: { file: string; role: Role }[]; mapping?: string; transposed?: boolean; rows?: number; cols?: number };

interface Part {
  file: string;
  /** Where the labels came from (the images file itself for CSV). */
  labelsFile: string;
  role: Role;
  rows: number;
  cols: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface EmnistLocation {
  /** Usable when at least one split and the mapping are present. */
  found: boolean;
  dir: string;
  format: 'idx' | 'csv' | null;
  splits: { role: Role; images: string; labels: string }[] | { role: Role; file: string }[];
  mapping: string | null;
  /** What is missing, in words a user can act on. */
  missing: string[];
}

function firstExisting(dir: string, names: string[]): string | null {
  for (const n of names) if (existsSync(path.join(dir, n))) return path.join(dir, n);
  return null;
}

/** Finds EMNIST ByMerge files by their official names (gzipped or not; IDX preferred, else CSV). */
export function locateEmnist(dir: string, fixture?: 'strat100' | 'first1000'): EmnistLocation {
  const base = fixture ? path.join(dir, 'fixtures') : dir;
  const stem = (role: Role) => (fixture ? `${EMNIST_BYMERGE}-test-${fixture}` : `${EMNIST_BYMERGE}-${role}`);
  const roles: Role[] = fixture ? ['test'] : ['train', 'test'];
  const missing: string[] = [];
  if (!existsSync(dir)) missing.push(`folder ${dir} does not exist`);
  const mapping = firstExisting(dir, [`${EMNIST_BYMERGE}-mapping.txt`]);
  if (!mapping) missing.push(`${EMNIST_BYMERGE}-mapping.txt`);
  const idx = roles
    .map((role) => ({
      role,
      images: firstExisting(base, [`${stem(role)}-images-idx3-ubyte.gz`, `${stem(role)}-images-idx3-ubyte`]),
      labels: firstExisting(base, [`${stem(role)}-labels-idx1-ubyte.gz`, `${stem(role)}-labels-idx1-ubyte`]),
    }))
    .filter((s) => s.images || s.labels);
  for (const s of idx) {
    if (!s.images) missing.push(`${stem(s.role)}-images-idx3-ubyte.gz (its labels file is present)`);
    if (!s.labels) missing.push(`${stem(s.role)}-labels-idx1-ubyte.gz (its images file is present)`);
  }
  const idxComplete = idx.filter((s) => s.images && s.labels) as { role: Role; images: string; labels: string }[];
  if (idxComplete.length > 0) return { found: !!mapping && missing.length === 0, dir, format: 'idx', splits: idxComplete, mapping, missing };
  const csv = roles
    .map((role) => ({ role, file: firstExisting(base, [`${stem(role)}.csv`, `${stem(role)}.csv.gz`]) }))
    .filter((s): s is { role: Role; file: string } => s.file !== null);
  if (csv.length > 0) return { found: !!mapping && missing.length === 0, dir, format: 'csv', splits: csv, mapping, missing };
  missing.push(`${stem('train')}-images-idx3-ubyte.gz / ${stem('test')}-images-idx3-ubyte.gz (or the Kaggle .csv files) with their labels`);
  return { found: false, dir, format: null, splits: [], mapping, missing };
}

async function readIdxPart(images: string, labels: string, role: Role): Promise<Part> {
  const [imageHeader, labelHeader] = await Promise.all([readIdxHeader(images, 3), readIdxHeader(labels, 1)]);
  const [count, rows, cols] = imageHeader.dims;
  if (count !== labelHeader.dims[0]) {
    throw new DatasetError(images, `holds ${count} images but ${path.basename(labels)} holds ${labelHeader.dims[0]} labels; the two files must belong together`);
  }
  checkDataBudget(images, imageHeader.dataBytes + labelHeader.dataBytes, `its header declares ${count.toLocaleString('en-US')} images of ${rows}×${cols}, which`);
  const [pixels, labelBytes] = await Promise.all([readIdxData(imageHeader), readIdxData(labelHeader)]);
  return { file: images, labelsFile: labels, role, rows, cols, pixels, labels: labelBytes };
}

/** Concatenates parts into one pool, checking image sizes agree and labels fit the class list. */
function pool(name: string, parts: Part[], classNames: string[] | null, transposed: boolean, expectedSize?: { rows: number; cols: number }): Dataset {
  if (parts.length === 0) throw new DatasetError(name, 'no image files were given');
  const { rows, cols } = expectedSize ?? parts[0];
  for (const p of parts) {
    if (p.rows !== rows || p.cols !== cols) {
      throw new DatasetError(p.file, `images are ${p.rows}×${p.cols}, expected ${rows}×${cols}${expectedSize ? ` for ${name}` : ' like the other files'}`);
    }
  }
  const names = classNames ?? namesFromLabels(parts);
  for (const p of parts) {
    const bad = p.labels.findIndex((l) => l >= names.length);
    if (bad >= 0) {
      throw new DatasetError(p.file, `label ${p.labels[bad]} at index ${bad} is outside the mapping's ${names.length} classes (0…${names.length - 1}); wrong mapping file or corrupt labels`);
    }
  }
  const count = parts.reduce((s, p) => s + p.labels.length, 0);
  const size = rows * cols;
  checkDataBudget(name, count * (size + 1), `the pool of ${count.toLocaleString('en-US')} images`);
  // Shared memory, so the batch-preparation thread reads the pool without a copy.
  const images = new Uint8Array(new SharedArrayBuffer(count * size));
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  const sources: DataSource[] = [];
  let offset = 0;
  for (const p of parts) {
    images.set(p.pixels, offset * size);
    labels.set(p.labels, offset);
    sources.push({ file: path.basename(p.file), role: p.role, start: offset, count: p.labels.length });
    offset += p.labels.length;
  }
  return { name, images, labels, count, rows, cols, classNames: names, transposed, sources };
}

export async function loadDataset(spec: DatasetSpec): Promise<Dataset> {
  if (spec.kind === 'emnist') {
    const where = locateEmnist(spec.dir, spec.fixture);
    if (!where.found) {
      throw new DatasetError(spec.dir, `EMNIST ByMerge is incomplete here; missing: ${where.missing.join('; ')}. Set EMNIST_DIR (or --data) to a folder with the official files`);
    }
    const classNames = await readMapping(where.mapping!);
    const parts =
      where.format === 'idx'
        ? await Promise.all((where.splits as { role: Role; images: string; labels: string }[]).map((s) => readIdxPart(s.images, s.labels, s.role)))
        : await Promise.all((where.splits as { role: Role; file: string }[]).map((s) => readCsvPart(s.file, s.role, 28, 28)));
    return pool(spec.fixture ? `${EMNIST_BYMERGE}-${spec.fixture}` : EMNIST_BYMERGE, parts, classNames, true, { rows: 28, cols: 28 });
  }
  const classNames = spec.mapping ? await readMapping(spec.mapping) : null;
  if (spec.kind === 'idx') {
    const parts = await Promise.all(spec.files.map((f) => readIdxPart(f.images, f.labels, f.role)));
    return pool(spec.name, parts, classNames, spec.transposed ?? false);
  }
  const rows = spec.rows ?? 28;
  const cols = spec.cols ?? 28;
  const parts = await Promise.all(spec.files.map((f) => readCsvPart(f.file, f.role, rows, cols)));
  return pool(spec.name, parts, classNames, spec.transposed ?? false);
}

async function readCsvPart(file: string, role: Role, rows: number, cols: number): Promise<Part> {
  const csv = await readCsvImages(file, rows * cols);
  return { file, labelsFile: file, role, rows, cols, pixels: csv.pixels, labels: csv.labels };
}

/**
 * Class names "0"…"n−1" when no mapping names them, if the labels used are exactly 0…n−1. A gap (e.g.
 * 0–9 and 255) is a corrupt label byte, or labels that need a mapping: either way, training would
 * silently grow a class per missing number, so refuse and say which labels are where.
 */
function namesFromLabels(parts: Part[]): string[] {
  const firstAt = new Map<number, { part: Part; index: number }>();
  for (const p of parts) {
    for (let i = 0; i < p.labels.length; i++) if (!firstAt.has(p.labels[i])) firstAt.set(p.labels[i], { part: p, index: i });
  }
  const max = Math.max(...firstAt.keys());
  const missing = Array.from({ length: max + 1 }, (_, l) => l).filter((l) => !firstAt.has(l));
  if (missing.length) {
    // The label above the first gap is the likely culprit (a corrupt byte, or a class numbering to map).
    const odd = [...firstAt.keys()].filter((l) => l > missing[0]).sort((a, b) => a - b)[0];
    const at = firstAt.get(odd)!;
    throw new DatasetError(
      at.part.labelsFile,
      `labels are not numbered 0…n−1 without gaps: ${firstAt.size} distinct labels from 0 to ${max}, ${missing.length} missing (first ${missing[0]}); label ${odd} first appears at index ${at.index}. A corrupt labels file, or classes numbered otherwise: pass --mapping FILE ("label ascii_code" lines) to name them`,
    );
  }
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}
