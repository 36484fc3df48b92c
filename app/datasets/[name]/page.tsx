/**
 * One dataset: one upright sample per class, the class distribution (mean as a reference line, largest
 * and smallest class in orange), class statistics beside the published ones, and the default split.
 * Unknown names are a real 404; a dataset missing on this machine says how to get it.
 */
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { DatasetDocument } from '../../_graphql/generated';
import { query } from '../../_lib/server/query';
import { ErrorBox, PageTitle } from '../../_components/ui';
import { int } from '../../_lib/format';
import { ClassDistribution } from './_components/ClassDistribution';
import { ClassStatistics } from './_components/ClassStatistics';
import { SampleGrid } from './_components/SampleGrid';
import { SplitTable } from './_components/SplitTable';

type Props = { params: Promise<{ name: string }> };

const load = cache(async (name: string) => query(DatasetDocument, { name }));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { dataset } = await load(decodeURIComponent((await params).name));
  return { title: dataset ? `Dataset ${dataset.title.split(' (')[0]}` : 'Dataset not found' };
}

export default async function DatasetPage({ params }: Props) {
  const name = decodeURIComponent((await params).name);
  const { dataset: ds, datasets } = await load(name);
  if (!ds) notFound();
  const others = datasets.filter((d) => d.name !== name);
  return (
    <div className="space-y-4" data-testid="dataset-page">
      <PageTitle title={ds.title} lead={`${ds.name} · ${ds.classNames.length} classes${ds.imageCount != null ? ` · ${int(ds.imageCount)} images` : ''}${ds.isDefault ? ' · default dataset' : ''}`}>
        {others.length > 0 && (
          <nav className="flex flex-wrap gap-2 text-sm" aria-label="Other datasets">
            {others.map((d) => <Link key={d.name} href={`/datasets/${encodeURIComponent(d.name)}`} className="rounded border border-slate-400 bg-white px-2 py-1 text-slate-800 hover:bg-slate-50">{d.title.split(' (')[0]}</Link>)}
          </nav>
        )}
      </PageTitle>
      {!ds.available && <ErrorBox title="This dataset is not on this machine" error={ds.hint ?? 'It is missing.'} />}
      {ds.available && (
        <>
          <SampleGrid samples={ds.samples} />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
            {ds.stats && <ClassDistribution classNames={ds.classNames} stats={ds.stats} datasetTitle={ds.title} />}
            <ClassStatistics dataset={ds} />
          </div>
          <SplitTable splits={ds.splits} />
        </>
      )}
    </div>
  );
}
