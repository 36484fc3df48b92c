'use client';
/**
 * The images behind a cell of the difference map: the test images run A gets right and B gets wrong
 * (as the cell's predicted class, for a cell off the diagonal) and the reverse, side by side, each
 * ordered by the wrong run's confidence. Only images both runs were tested on can be compared; the
 * count of those is shown.
 */
import { CompareExamplesDocument } from '../../_graphql/generated';
import { useExamplePages } from '../../_lib/examplePages';
import { request } from '../../_lib/graphql';
import { ExampleGrid } from '../../_components/ExampleGrid';
import { buttonClass } from '../../_components/ui';

interface Side {
  id: string;
  name: string;
}

function Column({ right, wrong, trueClass, predictedClass, title }: { right: Side; wrong: Side; trueClass: number; predictedClass: number | null; title: string }) {
  const key = JSON.stringify([right.id, wrong.id, trueClass, predictedClass]);
  const pages = useExamplePages(key, async (after) => {
    const d = await request(CompareExamplesDocument, { id: right.id, other: wrong.id, trueClass, otherPredictedClass: predictedClass, first: 60, after });
    return d.run?.examplesAgainst ?? null;
  });
  return (
    <div className="min-w-0" data-testid="compare-examples-column">
      <h3 className="mb-1 text-sm font-semibold text-slate-800">{title}</h3>
      <p className="mb-2 text-xs text-slate-600" aria-live="polite">
        {pages.totalCount === null ? 'Counting…' : `${pages.totalCount.toLocaleString('en-US')} image${pages.totalCount === 1 ? '' : 's'}`}
        {pages.comparedImages != null ? ` among the ${pages.comparedImages.toLocaleString('en-US')} test images both runs were tested on` : ''}
      </p>
      <ExampleGrid pages={pages} runIds={[right.id, wrong.id]} runLabel={right.name} otherLabel={wrong.name} empty="None." />
    </div>
  );
}

export function CompareExamples({ a, b, names, cell, onClose }: { a: Side; b: Side; names: string[]; cell: [number, number]; onClose: () => void }) {
  const [t, p] = cell;
  const diagonal = t === p;
  const as = (i: number) => names[i] ?? String(i);
  const wrongAs = diagonal ? '' : ` as ${as(p)}`;
  return (
    <section className="mt-3 border-t border-slate-200 pt-3" data-testid="compare-examples">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-800">Test images of true {as(t)}{diagonal ? '' : `, taken for ${as(p)}`}</h3>
        <button type="button" className={`${buttonClass.secondary} px-2 py-1 text-xs`} onClick={onClose}>close</button>
      </div>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Column right={a} wrong={b} trueClass={t} predictedClass={diagonal ? null : p} title={`A (${a.name}) right, B (${b.name}) wrong${wrongAs}`} />
        <Column right={b} wrong={a} trueClass={t} predictedClass={diagonal ? null : p} title={`B (${b.name}) right, A (${a.name}) wrong${wrongAs}`} />
      </div>
    </section>
  );
}
