/**
 * Pure derivations the pages show: the difference of two confusion matrices, the config fields that
 * differ between runs, the best value in a metrics column. (The most confused class pairs come from
 * trainer/eval/confusedPairs.ts, shared with the CLI.)
 */

/**
 * (B − A) in percentage points of each true class, so two runs compare fairly even if their test sets
 * differ in size. Positive: B sends more of that true class to that prediction than A does.
 */
export function confusionDifference(a: number[][], b: number[][]): number[][] {
  const rates = (m: number[][]) => m.map((row) => { const t = row.reduce((x, y) => x + y, 0) || 1; return row.map((v) => (100 * v) / t); });
  const ra = rates(a);
  const rb = rates(b);
  return rb.map((row, i) => row.map((v, j) => v - (ra[i]?.[j] ?? 0)));
}

/** Flattens a nested object to dotted paths: { split: { mode: 'x' } } → { 'split.mode': 'x' }. Arrays stay whole. */
export function flatten(obj: unknown, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    out[prefix || '(value)'] = obj;
    return out;
  }
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

/** Fields whose values are not all equal across the configs, with each config's value. */
export function configDiff(configs: unknown[]): { field: string; values: unknown[] }[] {
  const flats = configs.map((c) => flatten(c ?? {}));
  const fields = [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
  return fields
    .map((field) => ({ field, values: flats.map((f) => f[field]) }))
    .filter(({ values }) => new Set(values.map((v) => JSON.stringify(v ?? null))).size > 1);
}

/** Index of the best finite value (max or min), or -1. */
export function bestIndex(values: (number | null | undefined)[], better: 'max' | 'min'): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v == null || !Number.isFinite(v)) return;
    if (best < 0 || (better === 'max' ? v > values[best]! : v < values[best]!)) best = i;
  });
  return best;
}

export function showValue(v: unknown): string {
  if (v === undefined) return '—';
  if (v === null) return 'none';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
