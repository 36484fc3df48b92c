'use client';
/**
 * Side-by-side view of two or more runs: overlaid validation curves and robustness curves, a metrics
 * table with the best value of each column marked, the config fields that differ, and the difference
 * of two runs' confusion matrices (in percentage points of each true class).
 */
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { heatmap } from '../_charts/heatmap';
import { lineChart, type LineSeries } from '../_charts/lineChart';
import { seriesColor } from '../_charts/palette';
import { bestIndex, confusionDifference, configDiff, showValue } from '../_lib/analysis';
import { duration, int, num, pct } from '../_lib/format';
import { useQuery } from '../_lib/hooks';
import { COMPARE_QUERY } from '../_lib/queries';
import type { RunDetail } from '../_lib/types';
import { Chart } from './Chart';
import { ScaleToggle } from './ConfusionPanel';
import { Card, Empty, ErrorBox, Skeleton, StatusBadge } from './ui';

interface Metric { key: string; label: string; get: (r: RunDetail) => number | null | undefined; better: 'max' | 'min' | null; show: (v: number | null | undefined) => string }
const METRICS: Metric[] = [
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

const color = (i: number) => seriesColor(i);

export function CompareView({ ids }: { ids: string[] }) {
  const { data, error, loading, refetch } = useQuery<{ compare: RunDetail[] }>(COMPARE_QUERY, ids.length ? { ids } : null);
  const runs = useMemo(() => data?.compare ?? [], [data]);
  const [showTrain, setShowTrain] = useState(false);
  const [pair, setPair] = useState<[number, number]>([0, 1]);
  const [scale, setScale] = useState<'log' | 'linear'>('linear');

  const [lossSeries, accSeries] = useMemo(() => {
    const curves = (metric: 'loss' | 'accuracy'): LineSeries[] =>
      runs.flatMap((r, i) => {
        const val = { name: showTrain ? `${r.name} val` : r.name, color: color(i), points: r.epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.valLoss : e.valAccuracy })) };
        const train = { name: `${r.name} train`, color: color(i), dashed: true, points: r.epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.trainLoss : e.trainAccuracy })) };
        return showTrain ? [val, train] : [val];
      });
    return [curves('loss'), curves('accuracy')];
  }, [runs, showTrain]);
  const robustSeries = useMemo(() => runs.map((r, i) => ({ name: r.name, color: color(i), points: r.robustness.map((p) => ({ x: p.sigma, y: p.accuracy })) })), [runs]);
  const diff = useMemo(() => configDiff(runs.map((r) => ({ preset: r.preset, dataset: r.dataset, ...r.config }))), [runs]);

  const [a, b] = [runs[pair[0]], runs[pair[1]]];
  const diffMatrix = useMemo(() => {
    if (!a?.evaluation || !b?.evaluation || a.evaluation.confusion.length !== b.evaluation.confusion.length) return null;
    const names = b.evaluation.classNames;
    return { matrix: confusionDifference(a.evaluation.confusion, b.evaluation.confusion), rowLabels: names, colLabels: names };
  }, [a, b]);
  const diffOpts = useMemo(() => ({ diverging: true, scale, legendLabel: 'Δ pp', valueFormat: '+.2f' }), [scale]);
  const lossOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'cross-entropy (nats)', integerX: true, yFormat: '.2f' }), []);
  const accOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'accuracy (%)', integerX: true, yFormat: '.0%' }), []);
  const robustOpts = useMemo(() => ({ xLabel: 'noise σ (pixel scale 0–1)', yLabel: 'test accuracy (%)', yFormat: '.0%', yDomain: [0, 1] as [number, number], emptyText: 'No robustness results yet' }), []);

  if (ids.length < 2) {
    return (
      <div className="space-y-3">
        <h1 className="text-xl font-semibold tracking-tight">Compare runs</h1>
        <Empty>Select two or more runs on the <Link href="/" className="text-sky-800 underline">runs page</Link> and press Compare, or open <code>/compare?ids=A,B</code>.</Empty>
      </div>
    );
  }
  if (error && !data) return <ErrorBox title="Could not load these runs" error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <div className="space-y-4"><Skeleton className="h-7 w-64" /><Skeleton className="h-40" /><div className="grid grid-cols-2 gap-4"><Skeleton className="h-72" /><Skeleton className="h-72" /></div></div>;
  const missing = ids.filter((id) => !runs.some((r) => r.id === id));

  return (
    <div className="space-y-4" data-testid="compare-page">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">Compare {runs.length} runs</h1>
        <p className="text-sm text-slate-500">This page's address holds the selection; share it to show the same comparison.</p>
      </div>
      {missing.length > 0 && <ErrorBox title="Some runs were not found" error={`No run with id ${missing.join(', ')}.`} />}

      <Card title="Metrics (best of each column marked ★)">
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="compare-metrics">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="py-1.5 pr-3">Run</th>
                {METRICS.map((m) => <th key={m.key} className={`px-2 py-1.5 text-right ${m.key === 'noise' ? 'normal-case' : ''}`}>{m.label}</th>)}
              </tr>
            </thead>
            <tbody>
              {runs.map((r, i) => (
                <tr key={r.id} className="border-b border-slate-100">
                  <td className="py-1.5 pr-3">
                    <span className="mr-2 inline-block h-2.5 w-2.5 rounded-full align-middle" style={{ background: color(i) }} />
                    <Link href={`/runs/${r.id}`} className="font-medium text-sky-800 hover:underline">{r.name}</Link>
                    <span className="ml-2"><StatusBadge status={r.status} /></span>
                  </td>
                  {METRICS.map((m) => {
                    // Only finished runs compete for best: a failed run's partial numbers are not a result.
                    const best = m.better ? bestIndex(runs.map((x) => (x.status === 'SUCCEEDED' ? m.get(x) : null)), m.better) : -1;
                    return (
                      <td key={m.key} className={`whitespace-nowrap px-2 py-1.5 text-right tabular-nums ${best === i ? 'font-semibold text-emerald-800' : ''}`} data-best={best === i || undefined}>
                        {best === i && <span aria-label="best">★ </span>}
                        {m.show(m.get(r))}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <div className="flex items-center gap-2 text-sm text-slate-600">
        <label className="inline-flex items-center gap-2"><input type="checkbox" checked={showTrain} onChange={(e) => setShowTrain(e.target.checked)} className="accent-sky-700" /> also show training curves (dashed)</label>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Validation loss per epoch"><Chart draw={lineChart} data={lossSeries} options={lossOpts} minHeight={260} /></Card>
        <Card title="Validation accuracy per epoch"><Chart draw={lineChart} data={accSeries} options={accOpts} minHeight={260} /></Card>
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Robustness: accuracy under Gaussian noise"><Chart draw={lineChart} data={robustSeries} options={robustOpts} minHeight={260} /></Card>
        <Card title="Configuration differences" testId="config-diff">
          {diff.length === 0 ? (
            <div className="text-sm text-slate-500">The configurations are identical.</div>
          ) : (
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                  <th className="py-1 pr-2">Field</th>
                  {runs.map((r, i) => <th key={r.id} className="px-2 py-1" style={{ color: color(i) }}>{r.name}</th>)}
                </tr>
              </thead>
              <tbody>
                {diff.map((d) => (
                  <tr key={d.field} className="border-b border-slate-100">
                    <td className="py-1 pr-2 text-slate-600">{d.field}</td>
                    {d.values.map((v, i) => <td key={i} className="px-2 py-1 font-mono text-xs">{showValue(v)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>

      <Card
        title="Confusion difference (B − A, percentage points of each true class)"
        actions={<ScaleToggle scale={scale} onChange={setScale} />}
        testId="confusion-diff"
      >
        <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
          {(['A', 'B'] as const).map((label, k) => (
            <label key={label} className="inline-flex items-center gap-2">
              {label}
              <select value={pair[k]} onChange={(e) => setPair((p) => (k === 0 ? [Number(e.target.value), p[1]] : [p[0], Number(e.target.value)]))} className="rounded border border-slate-300 px-2 py-1">
                {runs.map((r, i) => <option key={r.id} value={i}>{r.name}</option>)}
              </select>
            </label>
          ))}
          <span className="text-xs text-slate-500">Orange: B sends more of the true class there than A; purple: fewer. On the diagonal, orange means B is more often right.</span>
        </div>
        {diffMatrix ? (
          <div className="mx-auto max-w-[760px]"><Chart draw={heatmap} data={diffMatrix} options={diffOpts} minHeight={560} /></div>
        ) : (
          <div className="flex h-24 items-center justify-center text-sm text-slate-500">Both runs need a finished test evaluation on the same classes.</div>
        )}
      </Card>
    </div>
  );
}
