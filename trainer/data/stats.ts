/**
 * Class statistics of a label set: counts per class, their mean and (population) standard deviation,
 * the largest and smallest class and the max/min imbalance ratio the study reports (15.59 for ByMerge).
 */
export interface ClassStatistics {
  counts: number[];
  mean: number;
  std: number;
  max: number;
  min: number;
  maxClass: number;
  minClass: number;
  maxMinRatio: number;
}

export function classStatistics(labels: ArrayLike<number>, classes: number, indices?: ArrayLike<number>): ClassStatistics {
  const counts = new Array<number>(classes).fill(0);
  const n = indices ? indices.length : labels.length;
  for (let k = 0; k < n; k++) counts[labels[indices ? indices[k] : k]]++;
  const mean = counts.reduce((a, b) => a + b, 0) / classes;
  const std = Math.sqrt(counts.reduce((s, c) => s + (c - mean) ** 2, 0) / classes);
  let maxClass = 0;
  let minClass = 0;
  counts.forEach((c, i) => {
    if (c > counts[maxClass]) maxClass = i;
    if (c < counts[minClass]) minClass = i;
  });
  const max = counts[maxClass];
  const min = counts[minClass];
  return { counts, mean, std, max, min, maxClass, minClass, maxMinRatio: min > 0 ? max / min : Infinity };
}
