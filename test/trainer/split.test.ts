// The study's split: stratified per class, deterministic by seed, disjoint and complete; and the
// official mode; and class statistics checked by hand.
import { describe, it, expect } from 'vitest';
import { splitDataset } from '../../trainer/data/split';
import { classStatistics } from '../../trainer/data/stats';
import type { Dataset } from '../../trainer/data/dataset';

// 3 classes with 100, 50 and 20 examples, interleaved.
function imbalanced(): Dataset {
  const labels: number[] = [];
  for (let i = 0; i < 100; i++) labels.push(0);
  for (let i = 0; i < 50; i++) labels.push(1);
  for (let i = 0; i < 20; i++) labels.push(2);
  labels.sort(() => 0); // keep order deterministic
  const count = labels.length;
  return {
    name: 'toy', images: new Uint8Array(count), labels: Uint8Array.from(labels), count, rows: 1, cols: 1, classNames: ['a', 'b', 'c'], transposed: false,
    sources: [{ file: 'train', role: 'train', start: 0, count: 120 }, { file: 'test', role: 'test', start: 120, count: 50 }],
  };
}

const stratified = { mode: 'stratified' as const, train: 0.7, val: 0.1, test: 0.2 };

describe('stratified split', () => {
  it('keeps each class in 70/10/20 proportion', () => {
    const ds = imbalanced();
    const s = splitDataset(ds, stratified, 1);
    const per = (idx: Uint32Array) => classStatistics(ds.labels, 3, idx).counts;
    expect(per(s.train)).toEqual([70, 35, 14]);
    expect(per(s.val)).toEqual([10, 5, 2]);
    expect(per(s.test)).toEqual([20, 10, 4]);
  });

  it('is disjoint and covers every image exactly once', () => {
    const s = splitDataset(imbalanced(), stratified, 1);
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 170 }, (_, i) => i));
  });

  it('is identical for the same seed and different for another', () => {
    const a = splitDataset(imbalanced(), stratified, 42);
    const b = splitDataset(imbalanced(), stratified, 42);
    const c = splitDataset(imbalanced(), stratified, 43);
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });
});

describe('official split', () => {
  it('tests on the test file and carves validation out of train', () => {
    const ds = imbalanced();
    const s = splitDataset(ds, { mode: 'official', valFraction: 0.1 }, 1);
    expect(Array.from(s.test)).toEqual(Array.from({ length: 50 }, (_, i) => 120 + i));
    expect(s.train.length + s.val.length).toBe(120);
    expect([...s.train, ...s.val].every((i) => i < 120)).toBe(true);
    expect(s.val.length).toBe(12); // 10 of class a, 2 of class b (round(0.1·20)): stratified within train
  });

  it('refuses when only one split is present, saying what to use', () => {
    const ds = { ...imbalanced(), sources: [{ file: 'test', role: 'test' as const, start: 0, count: 170 }] };
    expect(() => splitDataset(ds, { mode: 'official', valFraction: 0.1 }, 1)).toThrow(/official split needs both the train and the test files.*use split mode "stratified"/);
  });
});

describe('class statistics', () => {
  it('counts, mean, population std, extremes and imbalance ratio', () => {
    const st = classStatistics(Uint8Array.from([0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2]), 3);
    expect(st.counts).toEqual([4, 2, 6]);
    expect(st.mean).toBe(4);
    expect(st.std).toBeCloseTo(Math.sqrt(8 / 3), 12); // deviations 0, −2, 2
    expect(st).toMatchObject({ max: 6, maxClass: 2, min: 2, minClass: 1, maxMinRatio: 3 });
  });
});
