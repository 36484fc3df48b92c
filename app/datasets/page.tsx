/** The datasets the server knows, with what to do about a missing one; links to each one's page. */
import Link from 'next/link';
import { DatasetsDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { PageTitle } from '../_components/ui';

export const metadata = { title: 'Datasets' };

export default async function DatasetsPage() {
  const { datasets } = await query(DatasetsDocument, {});
  return (
    <div className="space-y-4">
      <PageTitle title="Datasets" lead="What runs can train on here. Each page shows a sample per class, the class distribution and the split." />
      <ul className="grid grid-cols-1 gap-3 md:grid-cols-2" data-testid="dataset-list">
        {datasets.map((d) => (
          <li key={d.name} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
            <Link href={`/datasets/${encodeURIComponent(d.name)}`} className="font-medium text-sky-800 hover:underline">{d.title}</Link>
            <div className="text-xs text-slate-600">{d.name} · {d.classCount} classes{d.isDefault ? ' · default' : ''}{d.available ? '' : ' · missing'}</div>
            {!d.available && d.hint && <p className="mt-2 break-words text-xs text-amber-900">{d.hint}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}
