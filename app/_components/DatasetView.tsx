'use client';
/**
 * A dataset at a glance: one upright sample image per class, the class distribution (with the mean as a
 * reference line), the split table and the class statistics. Missing datasets say how to get them.
 */
import Link from 'next/link';
import { useMemo } from 'react';
import { barChart } from '../_charts/barChart';
import { int } from '../_lib/format';
import { useQuery } from '../_lib/hooks';
import { PUBLISHED } from '../_lib/published';
import { DATASET_QUERY } from '../_lib/queries';
import type { DatasetInfo } from '../_lib/types';
import { Chart } from './Chart';
import { Digit } from './Digit';
import { Card, Empty, ErrorBox, Skeleton, Stat } from './ui';

type DatasetChoice = Pick<DatasetInfo, 'name' | 'title' | 'available' | 'isDefault'>;

export function DatasetList() {
  const { data, error, loading } = useQuery<{ datasets: (DatasetChoice & { hint: string | null })[] }>(`query { datasets { name title available isDefault hint } }`, {});
  if (error) return <ErrorBox title="Could not load datasets" error={error} />;
  if (loading && !data) return <Skeleton className="h-32" />;
  return (
    <ul className="grid grid-cols-1 gap-3 md:grid-cols-2">
      {data?.datasets.map((d) => (
        <li key={d.name} className="rounded-lg border border-slate-200 bg-white p-4">
          <Link href={`/datasets/${encodeURIComponent(d.name)}`} className="font-medium text-sky-800 hover:underline">{d.title}</Link>
          <div className="text-xs text-slate-500">{d.name}{d.isDefault ? ' · default' : ''}{d.available ? '' : ' · missing'}</div>
          {!d.available && d.hint && <p className="mt-2 text-xs text-amber-800">{d.hint}</p>}
        </li>
      ))}
    </ul>
  );
}

export function DatasetView({ name }: { name: string }) {
  const { data, error, loading, refetch } = useQuery<{ dataset: DatasetInfo | null; datasets: DatasetChoice[] }>(DATASET_QUERY, { name });
  const ds = data?.dataset;
  const distData = useMemo(() => ({ categories: ds?.classNames ?? [], series: [{ name: 'images', values: ds?.stats?.counts ?? [] }] }), [ds]);
  const distOpts = useMemo(() => {
    const s = ds?.stats;
    return { xLabel: 'class', yLabel: 'images per class', yFormat: '~s', valueFormat: ',.0f', reference: s ? { value: s.mean, label: 'mean' } : null, accent: s ? [s.minClass, s.maxClass] : [] };
  }, [ds]);

  if (error && !data) return <ErrorBox title={`Could not load dataset ${name}`} error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <div className="space-y-4"><Skeleton className="h-7 w-64" /><Skeleton className="h-48" /><Skeleton className="h-64" /></div>;
  const others = (data?.datasets ?? []).filter((d) => d.name !== name);
  if (!ds) return <Empty>No dataset named “{name}”. {others.length > 0 && <>Known: {others.map((d, i) => <span key={d.name}>{i ? ', ' : ''}<Link className="text-sky-800 underline" href={`/datasets/${d.name}`}>{d.name}</Link></span>)}</>}</Empty>;

  const s = ds.stats;
  return (
    <div className="space-y-4" data-testid="dataset-page">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">{ds.title}</h1>
          <p className="text-sm text-slate-500">{ds.name} · {ds.classNames.length} classes{ds.imageCount != null ? ` · ${int(ds.imageCount)} images` : ''}{ds.isDefault ? ' · default dataset' : ''}</p>
        </div>
        {others.length > 0 && (
          <nav className="flex gap-2 text-sm">
            {others.map((d) => <Link key={d.name} href={`/datasets/${encodeURIComponent(d.name)}`} className="rounded border border-slate-300 bg-white px-2 py-1 text-slate-700 hover:bg-slate-50">{d.title.split(' (')[0]}</Link>)}
          </nav>
        )}
      </div>
      {!ds.available && <ErrorBox title="This dataset is not on this machine" error={ds.hint ?? 'It is missing.'} />}

      {ds.available && (
        <>
          <Card title="One sample per class (upright)" testId="samples">
            <div className="grid gap-2" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(52px, 1fr))' }}>
              {ds.samples.map((img) => (
                <figure key={img.classIndex} className="flex flex-col items-center">
                  <Digit {...img} size={48} />
                  <figcaption className="mt-0.5 font-mono text-xs text-slate-700">{img.label}</figcaption>
                </figure>
              ))}
            </div>
          </Card>

          <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
            <Card title="Class distribution (largest and smallest class in orange)" testId="class-distribution">
              <Chart draw={barChart} data={distData} options={distOpts} minHeight={240} />
            </Card>
            <Card title="Class statistics">
              {s ? (
                <div className="grid grid-cols-2 gap-4">
                  <Stat label="Mean per class" value={int(s.mean)} />
                  <Stat label="Std per class" value={int(s.std)} />
                  <Stat label="Largest class" value={`${ds.classNames[s.maxClass]} · ${int(s.max)}`} />
                  <Stat label="Smallest class" value={`${ds.classNames[s.minClass]} · ${int(s.min)}`} />
                  <Stat label="Max / min ratio" value={s.maxMinRatio.toFixed(2)} />
                  <Stat label="Images" value={int(ds.imageCount)} />
                </div>
              ) : <div className="text-sm text-slate-500">No statistics.</div>}
              {ds.name.startsWith('emnist-bymerge') && (
                <p className="mt-4 border-t border-slate-100 pt-3 text-xs text-slate-500" data-testid="published-dataset">
                  Published for the full ByMerge set ({int(PUBLISHED.dataset.images)} images): mean {int(PUBLISHED.dataset.perClass.mean)} ± {int(PUBLISHED.dataset.perClass.std)} per class,
                  largest {ds.classNames[PUBLISHED.dataset.perClass.max.class] ?? PUBLISHED.dataset.perClass.max.class} ({int(PUBLISHED.dataset.perClass.max.count)}),
                  smallest {ds.classNames[PUBLISHED.dataset.perClass.min.class] ?? PUBLISHED.dataset.perClass.min.class} ({int(PUBLISHED.dataset.perClass.min.count)}), ratio {PUBLISHED.dataset.perClass.maxMinRatio}.
                </p>
              )}
            </Card>
          </div>

          <Card title="Splits (the default stratified split)" testId="splits">
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                  <th className="py-1.5">Set</th><th className="py-1.5 text-right">Images</th><th className="py-1.5 text-right">Proportion</th><th className="py-1.5 text-right">Min per class</th><th className="py-1.5 text-right">Max per class</th>
                </tr>
              </thead>
              <tbody>
                {ds.splits.map((sp) => (
                  <tr key={sp.set} className="border-b border-slate-100 tabular-nums">
                    <td className="py-1.5">{sp.set}</td>
                    <td className="py-1.5 text-right">{int(sp.images)}</td>
                    <td className="py-1.5 text-right">{(100 * sp.proportion).toFixed(1)}%</td>
                    <td className="py-1.5 text-right">{int(sp.minPerClass)}</td>
                    <td className="py-1.5 text-right">{int(sp.maxPerClass)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </>
      )}
    </div>
  );
}
