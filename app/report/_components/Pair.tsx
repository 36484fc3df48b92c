/** A table cell's pair of figures: ours on top, the published one under it in grey with the difference, and the model's name with a link to its run. */
import Link from 'next/link';

export function Pair({ ours, published, delta, better = 'max' }: { ours: string; published: string; delta?: number | null; better?: 'max' | 'min' }) {
  const good = delta != null && (better === 'max' ? delta >= 0 : delta <= 0);
  return (
    <div className="text-right leading-tight">
      <div className="font-medium tabular-nums text-slate-900">{ours}</div>
      <div className="whitespace-nowrap text-[11px] tabular-nums text-slate-600">
        {published}
        {delta != null && Number.isFinite(delta) && <span className={`ml-1 ${good ? 'text-emerald-800' : 'text-rose-800'}`}>{delta >= 0 ? '+' : '−'}{Math.abs(delta).toFixed(2)}</span>}
      </div>
    </div>
  );
}

export function ModelCell({ model, runId }: { model: string; runId: string | null }) {
  return (
    <td className="whitespace-nowrap py-1.5 pr-3">
      <span className="font-medium">{model}</span>
      {runId ? <Link href={`/runs/${runId}`} className="ml-2 text-xs text-sky-800 hover:underline">run</Link> : <span className="ml-2 text-xs text-slate-600">no run yet</span>}
    </td>
  );
}

/** Percent with d decimals from a fraction, or a dash. */
export const pc = (x: number | null | undefined, d = 2) => (x == null ? '—' : (100 * x).toFixed(d));

export const th = 'px-2 py-1.5 text-right whitespace-nowrap';
export const headRow = 'border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600';
