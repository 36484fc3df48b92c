'use client';
/**
 * Report tables and plots. Every figure comes from our runs (latest finished run per preset on the
 * chosen dataset); the published figure sits beside it in grey with the difference, so a reader sees
 * at once where the reproduction agrees with the study.
 */
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { barChart } from '../_charts/barChart';
import { lineChart, type LineSeries } from '../_charts/lineChart';
import { seriesColor } from '../_charts/palette';
import { int, num } from '../_lib/format';
import { gql } from '../_lib/graphql';
import { PUBLISHED } from '../_lib/published';
import { REPORT_QUERY } from '../_lib/queries';
import { engineTable, latestByPreset, m1Table, m3Table, robustnessTable, testTable, type FitRow, type ReportRun } from '../_lib/report';
import { Chart } from './Chart';
import { Card, Empty, ErrorBox, Skeleton } from './ui';

type ReportPage = { runs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ReportRun }[] } };

/** Every finished run, newest first, fetched page by page (the API serves at most 200 per page). */
function useAllFinishedRuns(limit = 2000) {
  const [data, setData] = useState<ReportRun[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const refetch = useCallback(async () => {
    setLoading(true);
    try {
      const all: ReportRun[] = [];
      let after: string | null = null;
      do {
        const page: ReportPage = await gql<ReportPage>(REPORT_QUERY, { after });
        all.push(...page.runs.edges.map((e) => e.node));
        after = page.runs.pageInfo.hasNextPage ? page.runs.pageInfo.endCursor : null;
      } while (after && all.length < limit);
      setData(all);
      setError(null);
    } catch (err) {
      setError(err as Error);
    } finally {
      setLoading(false);
    }
  }, [limit]);
  useEffect(() => void refetch(), [refetch]);
  return { data, error, loading, refetch };
}

const pc = (x: number | null | undefined, d = 2) => (x == null ? '—' : (100 * x).toFixed(d));

function Pair({ ours, published, delta, better = 'max' }: { ours: string; published: string; delta?: number | null; better?: 'max' | 'min' }) {
  const good = delta != null && (better === 'max' ? delta >= 0 : delta <= 0);
  return (
    <div className="text-right leading-tight">
      <div className="font-medium tabular-nums text-slate-900">{ours}</div>
      <div className="text-[11px] tabular-nums text-slate-400">
        {published}
        {delta != null && Number.isFinite(delta) && <span className={`ml-1 ${good ? 'text-emerald-700' : 'text-rose-700'}`}>{delta >= 0 ? '+' : '−'}{Math.abs(delta).toFixed(2)}</span>}
      </div>
    </div>
  );
}

function ModelCell({ model, runId }: { model: string; runId: string | null }) {
  return (
    <td className="py-1.5 pr-3">
      <span className="font-medium">{model}</span>
      {runId ? <Link href={`/runs/${runId}`} className="ml-2 text-xs text-sky-800 hover:underline">run</Link> : <span className="ml-2 text-xs text-slate-400">no run yet</span>}
    </td>
  );
}

function FitTable({ rows, extra }: { rows: (FitRow & { engine?: string })[]; extra?: (r: FitRow & { engine?: string }) => ReactNode }) {
  return (
    <table className="w-full text-sm">
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
          <th className="py-1.5">Model</th>
          {extra && <th className="py-1.5">Engine</th>}
          <th className="py-1.5 text-right">Train acc</th>
          <th className="py-1.5 text-right">Val acc</th>
          <th className="py-1.5 text-right">Val loss</th>
          <th className="py-1.5 text-right">Parameters</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.model} className="border-b border-slate-100">
            <ModelCell model={r.model} runId={r.runId} />
            {extra && <td className="py-1.5 text-xs text-slate-600">{extra(r)}</td>}
            <td className="py-1.5"><Pair ours={pc(r.ours.trainAcc)} published={pc(r.published?.trainAcc)} delta={r.ours.trainAcc != null && r.published ? 100 * (r.ours.trainAcc - r.published.trainAcc) : null} /></td>
            <td className="py-1.5"><Pair ours={pc(r.ours.valAcc)} published={pc(r.published?.valAcc)} delta={r.ours.valAcc != null && r.published ? 100 * (r.ours.valAcc - r.published.valAcc) : null} /></td>
            <td className="py-1.5"><Pair ours={num(r.ours.valLoss)} published={num(r.published?.valLoss)} delta={r.ours.valLoss != null && r.published ? r.ours.valLoss - r.published.valLoss : null} better="min" /></td>
            <td className="py-1.5 text-right tabular-nums text-slate-600">{int(r.parameters)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReportView() {
  const { data, error, loading, refetch } = useAllFinishedRuns();
  const runs = useMemo(() => data ?? [], [data]);
  const datasets = useMemo(() => [...new Set(runs.map((r) => r.dataset))].sort(), [runs]);
  const [chosen, setChosen] = useState<string | null>(null);
  const dataset = chosen ?? (datasets.includes('emnist-bymerge') ? 'emnist-bymerge' : datasets[0] ?? null);
  const byPreset = useMemo(() => latestByPreset(runs, dataset), [runs, dataset]);
  const m1 = useMemo(() => m1Table(byPreset), [byPreset]);
  const eng = useMemo(() => engineTable(byPreset), [byPreset]);
  const m3 = useMemo(() => m3Table(byPreset), [byPreset]);
  const test = useMemo(() => testTable(byPreset), [byPreset]);
  const robust = useMemo(() => robustnessTable(byPreset), [byPreset]);

  const testBars = useMemo(() => ({
    categories: test.map((t) => t.model),
    series: [
      { name: 'ours', values: test.map((t) => t.ours?.accuracy ?? null), color: seriesColor(0) },
      { name: 'published', values: test.map((t) => t.published.accuracy), color: '#94a3b8' },
    ],
  }), [test]);
  const testBarOpts = useMemo(() => ({ yLabel: 'test accuracy (%)', yFormat: '.0%', yDomain: [0, 1] as [number, number], xLabel: 'model' }), []);
  const robustLines: LineSeries[] = useMemo(() => robust.flatMap((r, i) => [
    { name: `${r.model} ours`, color: seriesColor(i), points: r.sigmas.map((s, k) => ({ x: s, y: r.ours[k] ?? NaN })) },
    { name: `${r.model} published`, color: seriesColor(i), dashed: true, points: r.sigmas.map((s, k) => ({ x: s, y: r.published[k] })) },
  ]), [robust]);
  const robustOpts = useMemo(() => ({ xLabel: 'noise σ (pixel scale 0–1)', yLabel: 'test accuracy (%)', yFormat: '.0%', yDomain: [0, 1] as [number, number] }), []);
  const m1Curves: LineSeries[] = useMemo(() => ['M0', ...PUBLISHED.m1Results.map((m) => m.model)].flatMap((model, i) => {
    const r = byPreset.get(model);
    return r ? [{ name: model, color: seriesColor(i), dashed: i >= 8, points: r.epochs.map((e) => ({ x: e.epoch, y: e.valAccuracy })) }] : [];
  }), [byPreset]);
  const m1CurveOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'validation accuracy (%)', yFormat: '.0%', integerX: true, markers: false, emptyText: 'No M0/M1 runs yet' }), []);

  if (error && !data) return <ErrorBox title="Could not load runs for the report" error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <div className="space-y-4"><Skeleton className="h-10 w-full" /><Skeleton className="h-64" /><Skeleton className="h-64" /></div>;

  return (
    <div className="space-y-4" data-testid="report-page">
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm">
        <span className="text-slate-600">{runs.length} finished run{runs.length === 1 ? '' : 's'}; {byPreset.size} of 12 presets covered{dataset ? ` on` : ''}</span>
        {datasets.length > 0 && (
          <select value={dataset ?? ''} onChange={(e) => setChosen(e.target.value)} className="rounded border border-slate-300 px-2 py-1" aria-label="Dataset">
            {datasets.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        )}
        <span className="ml-auto text-xs text-slate-500">Missing presets? <Link href="/launch" className="text-sky-800 underline">Reproduce the study</Link></span>
      </div>
      {runs.length === 0 && <Empty>No finished runs yet. The published figures are shown alone until runs finish.</Empty>}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Final test comparison" testId="report-test">
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="py-1.5">Model</th><th className="py-1.5 text-right">Accuracy</th><th className="py-1.5 text-right">Macro F1</th><th className="py-1.5 text-right">Cross-entropy</th><th className="py-1.5 text-right">vs M0 (pp)</th>
              </tr>
            </thead>
            <tbody>
              {test.map((t) => (
                <tr key={t.model} className="border-b border-slate-100">
                  <ModelCell model={t.model} runId={t.runId} />
                  <td className="py-1.5"><Pair ours={pc(t.ours?.accuracy)} published={pc(t.published.accuracy)} delta={t.ours ? 100 * (t.ours.accuracy - t.published.accuracy) : null} /></td>
                  <td className="py-1.5"><Pair ours={pc(t.ours?.macroF1)} published={pc(t.published.macroF1)} delta={t.ours ? 100 * (t.ours.macroF1 - t.published.macroF1) : null} /></td>
                  <td className="py-1.5"><Pair ours={num(t.ours?.crossEntropy)} published={num(t.published.crossEntropy)} delta={t.ours ? t.ours.crossEntropy - t.published.crossEntropy : null} better="min" /></td>
                  <td className="py-1.5"><Pair ours={t.oursGainPp == null ? '—' : `${t.oursGainPp >= 0 ? '+' : ''}${t.oursGainPp.toFixed(2)}`} published={`${t.publishedGainPp >= 0 ? '+' : ''}${t.publishedGainPp.toFixed(2)}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Test accuracy: ours vs published">
          <Chart draw={barChart} data={testBars} options={testBarOpts} minHeight={240} />
        </Card>
      </div>

      <Card title="M1 variants: one change each from M0 (validation at the kept epoch)" testId="report-m1">
        <FitTable rows={m1} />
      </Card>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Engine agreement: from scratch (M1g) vs framework (M2)">
          <FitTable rows={eng} extra={(r) => r.engine} />
        </Card>
        <Card title="Framework models M3a and M3b">
          <FitTable rows={m3} />
        </Card>
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Robustness: test accuracy (%) under Gaussian noise σ" testId="report-robustness">
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="py-1.5">Model</th>{PUBLISHED.robustness.sigmas.map((s) => <th key={s} className="py-1.5 text-right normal-case">σ {s}</th>)}
              </tr>
            </thead>
            <tbody>
              {robust.map((r) => (
                <tr key={r.model} className="border-b border-slate-100">
                  <ModelCell model={r.model} runId={r.runId} />
                  {r.sigmas.map((s, k) => <td key={s} className="py-1.5"><Pair ours={pc(r.ours[k], 1)} published={pc(r.published[k], 1)} /></td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Robustness curves (solid ours, dashed published)">
          <Chart draw={lineChart} data={robustLines} options={robustOpts} minHeight={260} />
        </Card>
      </div>

      <Card title="Validation accuracy per epoch, M0 and M1 variants (ours)">
        <Chart draw={lineChart} data={m1Curves} options={m1CurveOpts} minHeight={260} />
      </Card>
    </div>
  );
}
