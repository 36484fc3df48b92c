/**
 * The study's data protocol as index arrays into the pooled dataset.
 *  - stratified: every class is shuffled (seeded) and cut train/val/test in the given proportions,
 *    so each split keeps the 15:1 class imbalance of the whole; identical for every experiment
 *    with the same seed.
 *  - official: the distribution's own train/test files; validation is a stratified slice of train.
 */
import type { SplitConfig } from '../config/schema';
import type { Dataset } from './dataset';
import { DatasetError } from './errors';
import { deriveSeed, mulberry32, shuffleInPlace } from '../util/rng';

export interface Split {
  train: Uint32Array;
  val: Uint32Array;
  test: Uint32Array;
}

/** Groups indices by label (indices taken from `within`, or all of 0…labels.length−1). */
function indicesByClass(labels: Uint8Array, classes: number, within?: Uint32Array): Uint32Array[] {
  const counts = new Uint32Array(classes);
  const source = within ?? null;
  const n = source ? source.length : labels.length;
  for (let k = 0; k < n; k++) counts[labels[source ? source[k] : k]]++;
  const groups = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(classes);
  for (let k = 0; k < n; k++) {
    const i = source ? source[k] : k;
    groups[labels[i]][fill[labels[i]]++] = i;
  }
  return groups;
}

/** Cuts each class into consecutive fractions after a seeded shuffle; the last part takes the rest. */
function stratify(labels: Uint8Array, classes: number, fractions: number[], seed: number, within?: Uint32Array): Uint32Array[] {
  const rng = mulberry32(deriveSeed(seed, 'split'));
  const parts: number[][] = fractions.map(() => []);
  for (const group of indicesByClass(labels, classes, within)) {
    shuffleInPlace(group, rng);
    let start = 0;
    fractions.forEach((f, p) => {
      const end = p === fractions.length - 1 ? group.length : start + Math.round(group.length * f);
      for (let k = start; k < end; k++) parts[p].push(group[k]);
      start = end;
    });
  }
  return parts.map((p) => Uint32Array.from(p));
}

export function splitDataset(ds: Dataset, split: SplitConfig, seed: number): Split {
  const classes = ds.classNames.length;
  if (split.mode === 'stratified') {
    const [train, val, test] = stratify(ds.labels, classes, [split.train, split.val, split.test], seed);
    return { train, val, test };
  }
  const ofRole = (role: 'train' | 'test') => {
    const idx: number[] = [];
    for (const s of ds.sources) if (s.role === role) for (let i = s.start; i < s.start + s.count; i++) idx.push(i);
    return Uint32Array.from(idx);
  };
  const trainPool = ofRole('train');
  const test = ofRole('test');
  if (trainPool.length === 0 || test.length === 0) {
    throw new DatasetError(ds.name, `the official split needs both the train and the test files, but only ${ds.sources.map((s) => s.role).join(', ')} ${ds.sources.length === 1 ? 'is' : 'are'} present; use split mode "stratified"`);
  }
  const [train, val] = stratify(ds.labels, classes, [1 - split.valFraction, split.valFraction], seed, trainPool);
  return { train, val, test };
}
