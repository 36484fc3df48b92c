/**
 * Compare with fewer than two runs: no comparison to draw, so the page says what it has (the one run
 * found, ids that match no run) and offers finished runs on the same dataset to compare it with.
 */
import Link from 'next/link';
import { RunsDocument, type RunDetailFragment } from '../../_graphql/generated';
import { pct } from '../../_lib/format';
import { query } from '../../_lib/server/query';
import { Card, Empty, ErrorBox, PageTitle } from '../../_components/ui';

export async function CompareTooFew({ run, missing }: { run: RunDetailFragment | null; missing: string[] }) {
  const others = run
    ? (await query(RunsDocument, { filter: { status: ['SUCCEEDED'], dataset: run.dataset }, sort: { field: 'CREATED_AT', direction: 'DESC' }, first: 9, after: null })).runs.edges.map((e) => e.node).filter((r) => r.id !== run.id).slice(0, 8)
    : [];
  return (
    <div className="space-y-4" data-testid="compare-too-few">
      <PageTitle title="Compare runs" lead="A comparison needs two or more runs. Select them on the runs page and press Compare, or open /compare?ids=A,B." />
      {missing.length > 0 && <ErrorBox title={`${missing.length === 1 ? 'One id matches' : `${missing.length} ids match`} no run`} error={`Not found: ${missing.join(', ')}. The run may have been deleted, or the link is incomplete.`} />}
      {run ? (
        <Card title={`Only one run: ${run.name}`}>
          <p className="text-sm text-slate-700">
            <Link href={`/runs/${run.id}`} className="text-sky-800 underline">{run.name}</Link> ({run.status.toLowerCase()}{run.evaluation ? `, test accuracy ${pct(run.evaluation.accuracy)}` : ''}) needs a second run to compare with.
            {others.length > 0 ? ` Finished runs on ${run.dataset}:` : ` No other finished run on ${run.dataset} yet.`}
          </p>
          {others.length > 0 && (
            <ul className="mt-2 grid grid-cols-1 gap-1 text-sm sm:grid-cols-2" data-testid="compare-suggestions">
              {others.map((o) => (
                <li key={o.id}>
                  <Link href={`/compare?ids=${run.id},${o.id}`} className="text-sky-800 underline">Compare with {o.name}</Link>
                  <span className="text-slate-600"> · {pct(o.evaluation?.accuracy)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : (
        <Empty>Nothing selected yet. <Link href="/" className="text-sky-800 underline">Choose runs on the runs page</Link>.</Empty>
      )}
    </div>
  );
}
