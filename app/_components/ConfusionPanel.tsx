'use client';
/**
 * The confusion matrix of a run's test evaluation: a 47×47 heatmap with a log/linear colour toggle and
 * hover details, and beside it the most confused pairs with one sample image of each class involved.
 */
import { useCallback, useMemo, useState } from 'react';
import { heatmap, type HeatmapCell, type HeatmapOptions, type HeatmapData } from '../_charts/heatmap';
import { topConfusedPairs } from '../../trainer/eval/confusedPairs';
import { useQuery } from '../_lib/hooks';
import { DATASET_SAMPLES_QUERY } from '../_lib/queries';
import type { Evaluation, SampleImage } from '../_lib/types';
import { Chart } from './Chart';
import { Digit } from './Digit';
import { Card } from './ui';

export function ScaleToggle({ scale, onChange }: { scale: 'log' | 'linear'; onChange: (s: 'log' | 'linear') => void }) {
  return (
    <div className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs" role="group" aria-label="Colour scale">
      {(['log', 'linear'] as const).map((s) => (
        <button key={s} type="button" aria-pressed={scale === s} onClick={() => onChange(s)} className={`px-2 py-1 ${scale === s ? 'bg-slate-800 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}>
          {s}
        </button>
      ))}
    </div>
  );
}

export function ConfusionPanel({ evaluation, dataset }: { evaluation: Evaluation; dataset: string }) {
  const [scale, setScale] = useState<'log' | 'linear'>('log');
  const [hover, setHover] = useState<HeatmapCell | null>(null);
  const names = evaluation.classNames;
  const pairs = useMemo(() => topConfusedPairs(evaluation.confusion, names, 10), [evaluation.confusion, names]);
  const data: HeatmapData = useMemo(() => ({ matrix: evaluation.confusion, rowLabels: names, colLabels: names }), [evaluation.confusion, names]);
  const onHover = useCallback((c: HeatmapCell | null) => setHover(c), []);
  const options: Partial<HeatmapOptions> = useMemo(
    () => ({ scale, onHover, legendLabel: 'images', highlight: pairs.slice(0, 5).map((p) => [p.trueIndex, p.predIndex] as [number, number]) }),
    [scale, onHover, pairs],
  );
  const samples = useQuery<{ dataset: { samples: SampleImage[] } | null }>(DATASET_SAMPLES_QUERY, { name: dataset });
  const sampleOf = (i: number) => samples.data?.dataset?.samples.find((s) => s.classIndex === i);

  return (
    <Card
      title={`Confusion matrix (test set, ${evaluation.count.toLocaleString('en-US')} images)`}
      actions={<ScaleToggle scale={scale} onChange={setScale} />}
      testId="confusion"
    >
      <div className="grid grid-cols-[minmax(0,1fr)_300px] gap-5">
        <div>
          <Chart draw={heatmap} data={data} options={options} minHeight={560} />
          <div className="mt-1 h-5 text-xs text-slate-600" aria-live="polite">
            {hover
              ? `True ${hover.rowLabel} predicted as ${hover.colLabel}: ${hover.value.toLocaleString('en-US')} image${hover.value === 1 ? '' : 's'}${hover.rowTotal ? ` (${((100 * hover.value) / hover.rowTotal).toFixed(1)}% of ${hover.rowLabel})` : ''}`
              : 'Hover a cell for details; outlined cells are the five most confused pairs.'}
          </div>
        </div>
        <div>
          <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Most confused pairs</h3>
          {pairs.length === 0 && <div className="text-sm text-slate-500">No confusions.</div>}
          <ol className="space-y-1.5" data-testid="confused-pairs">
            {pairs.map((p) => {
              const a = sampleOf(p.trueIndex);
              const b = sampleOf(p.predIndex);
              return (
                <li key={`${p.trueIndex}-${p.predIndex}`} className="flex items-center gap-2 text-sm">
                  {a ? <Digit {...a} size={30} /> : <span className="h-[30px] w-[30px] rounded bg-slate-100" />}
                  <span className="text-slate-400">→</span>
                  {b ? <Digit {...b} size={30} /> : <span className="h-[30px] w-[30px] rounded bg-slate-100" />}
                  <span className="font-mono font-semibold">{p.trueName}→{p.predName}</span>
                  <span className="ml-auto text-right tabular-nums text-slate-600">
                    {p.count.toLocaleString('en-US')} <span className="text-xs text-slate-400">({(100 * p.rate).toFixed(1)}%)</span>
                  </span>
                </li>
              );
            })}
          </ol>
          <p className="mt-2 text-xs text-slate-500">Images are one sample of the true class and of the predicted class; percentages are of the true class.</p>
        </div>
      </div>
    </Card>
  );
}
