/**
 * Which stored test predictions a gallery page shows, in which order: pure functions over a run's
 * decoded predictions (no I/O), so the order promised by the API is tested directly.
 *  - selectExamples: the images of a confusion cell (true i, predicted j), of a whole true class, of a
 *    predicted class, right or wrong only — any combination — sorted by confidence (the probability of
 *    the predicted class): MOST_CONFIDENT first (for a wrong cell: the most confidently wrong first),
 *    LEAST_CONFIDENT first, or DATASET_ORDER. Ties by pool index, so the order is total.
 *  - selectAgainst: images run A gets right and run B gets wrong (optionally of one true class, and
 *    what B took them for), joined by pool index, sorted by B's confidence.
 *  - page: keyset pages over a sorted selection (cursor = the last item's sort key), stable however
 *    often a client pages.
 */
import type { DecodedPredictions } from '../../trainer/eval/testPredictions';

export type ExampleOrder = 'MOST_CONFIDENT' | 'LEAST_CONFIDENT' | 'DATASET_ORDER';

export interface ExampleFilter {
  trueClass?: number | null;
  predictedClass?: number | null;
  /** true: right only; false: wrong only; null: both. */
  correct?: boolean | null;
}

/** A chosen image: its position in the run's predictions (and in the other run's, for selectAgainst). */
export interface Selected {
  at: number;
  other?: number;
  /** The sort key: the confidence it is ordered by, and its pool index. */
  key: number;
  index: number;
}

/** p(predicted class): the largest of the image's probabilities. */
export const confidenceOf = (p: DecodedPredictions, at: number) => p.top3Probability[3 * at];

function sortSelection(out: Selected[], order: ExampleOrder): Selected[] {
  const sign = order === 'LEAST_CONFIDENT' ? 1 : -1;
  return order === 'DATASET_ORDER' ? out.sort((a, b) => a.index - b.index) : out.sort((a, b) => sign * (a.key - b.key) || a.index - b.index);
}

export function selectExamples(p: DecodedPredictions, filter: ExampleFilter, order: ExampleOrder): Selected[] {
  const out: Selected[] = [];
  const { trueClass, predictedClass, correct } = filter;
  for (let at = 0; at < p.indices.length; at++) {
    const t = p.truth[at];
    const y = p.predicted[at];
    if (trueClass != null && t !== trueClass) continue;
    if (predictedClass != null && y !== predictedClass) continue;
    if (correct != null && (t === y) !== correct) continue;
    out.push({ at, key: order === 'DATASET_ORDER' ? p.indices[at] : confidenceOf(p, at), index: p.indices[at] });
  }
  return sortSelection(out, order);
}

/** Images `a` classifies correctly and `b` does not (b's prediction = otherPredicted when given), by b's confidence. */
export function selectAgainst(a: DecodedPredictions, b: DecodedPredictions, filter: { trueClass?: number | null; otherPredictedClass?: number | null }, order: ExampleOrder): Selected[] {
  const inB = new Map<number, number>();
  for (let k = 0; k < b.indices.length; k++) inB.set(b.indices[k], k);
  const out: Selected[] = [];
  for (let at = 0; at < a.indices.length; at++) {
    const t = a.truth[at];
    if (a.predicted[at] !== t || (filter.trueClass != null && t !== filter.trueClass)) continue;
    const other = inB.get(a.indices[at]);
    if (other === undefined) continue;
    const yb = b.predicted[other];
    if (yb === t || (filter.otherPredictedClass != null && yb !== filter.otherPredictedClass)) continue;
    out.push({ at, other, key: order === 'DATASET_ORDER' ? a.indices[at] : confidenceOf(b, other), index: a.indices[at] });
  }
  return sortSelection(out, order);
}

/** How many of a's images b also has (the test sets of two runs with different seeds overlap only in part). */
export function sharedImages(a: DecodedPredictions, b: DecodedPredictions): number {
  const inB = new Set(b.indices);
  let n = 0;
  for (const i of a.indices) if (inB.has(i)) n++;
  return n;
}

export interface Cursor {
  key: number;
  index: number;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.key, c.index])).toString('base64url');

/** Null when `text` is not a cursor this API made. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && Number.isInteger(v[1]) && v[1] >= 0) return { key: v[0], index: v[1] };
  } catch {
    /* not JSON */
  }
  return null;
}

/** The `first` items after `after` (exclusive) of a sorted selection, and whether more follow. */
export function page(sorted: Selected[], order: ExampleOrder, first: number, after: Cursor | null): { items: Selected[]; hasNextPage: boolean } {
  let from = 0;
  if (after) {
    const sign = order === 'LEAST_CONFIDENT' ? 1 : -1;
    const before = (s: Selected) => (order === 'DATASET_ORDER' ? s.index <= after.index : sign * (s.key - after.key) < 0 || (s.key === after.key && s.index <= after.index));
    // Binary search for the first item past the cursor (the selection is sorted by the same key).
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(sorted[mid])) lo = mid + 1;
      else hi = mid;
    }
    from = lo;
  }
  return { items: sorted.slice(from, from + first), hasNextPage: from + first < sorted.length };
}
