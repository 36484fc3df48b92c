'use client';
/** A gallery's images as a responsive grid, with "show more" while the selection has more. */
import type { ExamplePages } from '../_lib/examplePages';
import { playgroundHref } from '../_lib/examplePages';
import { ExampleCard } from './ExampleCard';
import { buttonClass, Empty, ErrorBox, Skeleton } from './ui';

export function ExampleGrid({ pages, runIds, runLabel, otherLabel, empty }: { pages: ExamplePages; runIds: string[]; runLabel?: string; otherLabel?: string; empty: string }) {
  if (pages.error && !pages.items.length) return <ErrorBox title="The images could not be shown" error={pages.error} onRetry={pages.reload} testId="examples-error" />;
  if (pages.loading && !pages.items.length) return <div className="grid grid-cols-[repeat(auto-fill,minmax(13.5rem,1fr))] gap-2">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-20" />)}</div>;
  if (!pages.items.length) return <Empty>{empty}</Empty>;
  return (
    <div>
      <ul className="grid grid-cols-[repeat(auto-fill,minmax(13.5rem,1fr))] gap-2" data-testid="examples">
        {pages.items.map((item) => <ExampleCard key={item.index} item={item} runLabel={runLabel} otherLabel={otherLabel} playground={playgroundHref(item, runIds)} />)}
      </ul>
      <div className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-700">
        <span aria-live="polite">Showing {pages.items.length.toLocaleString('en-US')} of {(pages.totalCount ?? 0).toLocaleString('en-US')}</span>
        {pages.hasMore && (
          <button type="button" className={buttonClass.secondary} onClick={pages.more} disabled={pages.loading} data-testid="examples-more">
            {pages.loading ? 'Loading…' : 'Show 60 more'}
          </button>
        )}
        {pages.error && <span className="text-red-700">{pages.error.message}</span>}
      </div>
    </div>
  );
}
