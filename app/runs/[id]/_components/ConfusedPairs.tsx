'use client';
/** The most confused class pairs, each with one sample image of the true and of the predicted class. */
import { DatasetSamplesDocument } from '../../../_graphql/generated';
import type { ConfusedPair } from '../../../../trainer/eval/confusedPairs';
import { useQuery } from '../../../_lib/hooks';
import { Digit } from '../../../_components/Digit';

export function ConfusedPairs({ pairs, dataset }: { pairs: ConfusedPair[]; dataset: string }) {
  const samples = useQuery(DatasetSamplesDocument, { name: dataset });
  const sampleOf = (i: number) => samples.data?.dataset?.samples.find((s) => s.classIndex === i);
  const blank = <span className="h-[30px] w-[30px] rounded bg-slate-100" />;
  return (
    <div className="min-w-0">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600">Most confused pairs</h3>
      {pairs.length === 0 && <div className="text-sm text-slate-600">No confusions.</div>}
      <ol className="space-y-1.5" data-testid="confused-pairs">
        {pairs.map((p) => {
          const a = sampleOf(p.trueIndex);
          const b = sampleOf(p.predIndex);
          return (
            <li key={`${p.trueIndex}-${p.predIndex}`} className="flex items-center gap-2 text-sm">
              {a ? <Digit {...a} size={30} /> : blank}
              <span className="text-slate-600" aria-hidden>→</span>
              {b ? <Digit {...b} size={30} /> : blank}
              <span className="font-mono font-semibold">{p.trueName}→{p.predName}</span>
              <span className="ml-auto text-right tabular-nums text-slate-700">
                {p.count.toLocaleString('en-US')} <span className="text-xs text-slate-600">({(100 * p.rate).toFixed(1)}%)</span>
              </span>
            </li>
          );
        })}
      </ol>
      <p className="mt-2 text-xs text-slate-600">Images are one sample of the true class and of the predicted class; percentages are of the true class.</p>
    </div>
  );
}
