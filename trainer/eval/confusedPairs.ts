/**
 * The most confused class pairs of a confusion matrix (rows = true class): which true class is most
 * often taken for which, with the share of that true class sent there. Pure arithmetic with no
 * imports, so both the CLI summary and the dashboard's confusion panel use this one implementation.
 */

export interface ConfusedPair {
  trueIndex: number;
  predIndex: number;
  trueName: string;
  predName: string;
  count: number;
  /** count / (examples of the true class). */
  rate: number;
}

/** Off-diagonal cells by count, largest first (ties: lower true class first); at most k. */
export function topConfusedPairs(confusion: number[][], names: string[], k = 10): ConfusedPair[] {
  const out: ConfusedPair[] = [];
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      if (p !== t && count > 0) out.push({ trueIndex: t, predIndex: p, trueName: names[t] ?? `${t}`, predName: names[p] ?? `${p}`, count, rate: total ? count / total : 0 });
    });
  });
  return out.sort((a, b) => b.count - a.count || a.trueIndex - b.trueIndex || a.predIndex - b.predIndex).slice(0, k);
}
