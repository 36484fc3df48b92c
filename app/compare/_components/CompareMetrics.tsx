/**
 * The compared runs' metrics, one row per run, the best finished value of each column marked ★
 * (a failed or running run's partial numbers are not a result, so they never win) — within each
 * dataset: a 10-class MNIST run is never "best" over 47-class EMNIST runs. Wider than a phone, so it
 * scrolls inside its card.
 */
import Link from 'next/link';
import type { RunDetailFragment } from '../../_graphql/generated';
import { seriesColor } from '../../_charts/palette';
import { bestIndex } from '../../_lib/analysis';
import { duration, int, num, pct } from '../../_lib/format';
import { Card, StatusBadge } from '../../_components/ui';
import { ScrollArea } from '../../_components/ScrollArea';

interface Metric { key: string; label: string; get: (r: RunDetailFragment) => number | null | undefined; better: 'max' | 'min' | null; show: (v: number | null | undefined) => string }

export const METRICS: Metric[] = [
  { key: 'test', label: 'Test acc', get: (r) => r.evaluation?.accuracy, better: 'max', show: pct },
  { key: 'f1', label: 'Macro F1', get: (r) => r.evaluation?.macroF1, better: 'max', show: pct },
  { key: 'ce', label: 'Test CE', get: (r) => r.evaluation?.crossEntropy, better: 'min', show: (v) => num(v) },
  { key: 'val', label: 'Val acc', get: (r) => r.evaluation?.valAccuracy ?? r.epochs.at(-1)?.valAccuracy, better: 'max', show: pct },
  { key: 'vloss', label: 'Val loss', get: (r) => r.evaluation?.valLoss ?? r.epochs.at(-1)?.valLoss, better: 'min', show: (v) => num(v) },
  { key: 'train', label: 'Train acc', get: (r) => r.evaluation?.trainAccuracy ?? r.epochs.at(-1)?.trainAccuracy, better: null, show: pct },
  { key: 'noise', label: 'Acc at σ=0.2', get: (r) => r.robustness.find((p) => Math.abs(p.sigma - 0.2) < 1e-9)?.accuracy, better: 'max', show: pct },
  { key: 'params', label: 'Parameters', get: (r) => r.parameters, better: null, show: int },
  { key: 'epochs', label: 'Epochs', get: (r) => r.epochs.length, better: null, show: int },
  { key: 'time', label: 'Duration', get: (r) => r.durationSeconds, better: null, show: duration },
];

/** For each metric, the indices of the best finished run within each dataset. */
export function bestByDataset(runs: RunDetailFragment[]): Set<number>[] {
  const datasets = [...new Set(runs.map((r) => r.dataset))];
  return METRICS.map((m) => {
    const out = new Set<number>();
    if (!m.better) return out;
    for (const d of datasets) {
      const i = bestIndex(runs.map((x) => (x.status === 'SUCCEEDED' && x.dataset === d ? m.get(x) : null)), m.better);
      if (i >= 0) out.add(i);
    }
    return out;
  });
}

export function CompareMetrics({ runs }: { runs: RunDetailFragment[] }) {
  const bests = bestByDataset(runs);
  const several = new Set(runs.map((r) => r.dataset)).size > 1;
  return (
    <Card title={`Metrics (best finished value of each column marked ★${several ? ', within each dataset' : ''})`}>
      <ScrollArea label="Metrics of the compared runs">
        <table className="w-full min-w-[900px] text-sm" data-testid="compare-metrics">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
              <th className="py-1.5 pr-3">Run</th>
              {METRICS.map((m) => <th key={m.key} className={`px-2 py-1.5 text-right ${m.key === 'noise' ? 'normal-case' : ''}`}>{m.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => (
              <tr key={r.id} className="border-b border-slate-100">
                <td className="py-1.5 pr-3">
                  <span className="mr-2 inline-block h-2.5 w-2.5 rounded-full align-middle" style={{ background: seriesColor(i) }} aria-hidden />
                  <Link href={`/runs/${r.id}`} className="font-medium text-sky-800 hover:underline">{r.name}</Link>
                  <span className="ml-2"><StatusBadge status={r.status} /></span>
                  <div className="text-xs text-slate-600">{[r.presetLabel, r.dataset].filter(Boolean).join(' · ')}</div>
                </td>
                {METRICS.map((m, k) => (
                  <td key={m.key} className={`whitespace-nowrap px-2 py-1.5 text-right tabular-nums ${bests[k].has(i) ? 'font-semibold text-emerald-800' : ''}`} data-best={bests[k].has(i) || undefined}>
                    {bests[k].has(i) && <span aria-label={several ? `best on ${r.dataset}` : 'best'}>★ </span>}
                    {m.show(m.get(r))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </Card>
  );
}
