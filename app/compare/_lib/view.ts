/**
 * The compare page's view as it lives in the address, so a shared link shows the same comparison:
 * ?ids=A,B,C (the runs, in order), a=…&b=… (the pair whose confusion matrices are differenced),
 * scale=log (the difference's colour scale; linear by default), train=1 (training curves too).
 * Pure; unit-tested.
 */
export type Scale = 'log' | 'linear';

export interface CompareView {
  ids: string[];
  a: string | null;
  b: string | null;
  scale: Scale;
  train: boolean;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;
const get = (p: Params, k: string): string => {
  const v = p instanceof URLSearchParams ? p.get(k) : p[k];
  return (Array.isArray(v) ? v.join(',') : v) ?? '';
};

/** At most 50 runs (the API's limit), each once, in the order given. */
export function parseCompareView(p: Params): CompareView {
  const ids = [...new Set(get(p, 'ids').split(',').map((s) => s.trim()).filter(Boolean))].slice(0, 50);
  return { ids, a: get(p, 'a') || null, b: get(p, 'b') || null, scale: get(p, 'scale') === 'log' ? 'log' : 'linear', train: get(p, 'train') === '1' };
}

export function compareSearch(v: CompareView): string {
  const q = new URLSearchParams();
  q.set('ids', v.ids.join(','));
  if (v.a) q.set('a', v.a);
  if (v.b) q.set('b', v.b);
  if (v.scale !== 'linear') q.set('scale', v.scale);
  if (v.train) q.set('train', '1');
  return `?${q.toString().replace(/%2C/g, ',')}`;
}

/**
 * The pair to difference among the runs found: the view's a and b when they name two different runs
 * that are there; otherwise the first two distinct runs. `same` says the address asked for one run twice.
 */
export function resolvePair(view: Pick<CompareView, 'a' | 'b'>, found: string[]): { a: string | null; b: string | null; same: boolean } {
  const has = (id: string | null): id is string => !!id && found.includes(id);
  const same = has(view.a) && view.a === view.b;
  const a = has(view.a) ? view.a : found[0] ?? null;
  const b = has(view.b) && view.b !== a ? view.b : found.find((id) => id !== a) ?? null;
  return { a, b, same };
}
