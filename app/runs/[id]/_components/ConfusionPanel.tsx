'use client';
/**
 * The confusion matrix of a run's test evaluation: a heatmap (47×47 for ByMerge) with a log/linear
 * colour toggle and a line explaining the cell under the pointer (or finger), and the most confused
 * pairs beside it on a wide screen, under it on a phone, where the matrix takes the full width.
 */
import { useCallback, useMemo, useState } from 'react';
import { heatmap, type HeatmapCell, type HeatmapData, type HeatmapOptions } from '../../../_charts/heatmap';
import { topConfusedPairs } from '../../../../trainer/eval/confusedPairs';
import type { RunDetailFragment } from '../../../_graphql/generated';
import { Chart } from '../../../_components/Chart';
import { ScaleToggle, type ColourScale } from '../../../_components/ScaleToggle';
import { Card } from '../../../_components/ui';
import { ConfusedPairs } from './ConfusedPairs';

type Evaluation = NonNullable<RunDetailFragment['evaluation']>;

function describe(cell: HeatmapCell): string {
  const share = cell.rowTotal ? ` (${((100 * cell.value) / cell.rowTotal).toFixed(1)}% of ${cell.rowLabel})` : '';
  return `True ${cell.rowLabel} predicted as ${cell.colLabel}: ${cell.value.toLocaleString('en-US')} image${cell.value === 1 ? '' : 's'}${share}`;
}

export function ConfusionPanel({ evaluation, dataset, runName }: { evaluation: Evaluation; dataset: string; runName: string }) {
  const [scale, setScale] = useState<ColourScale>('log');
  const [hover, setHover] = useState<HeatmapCell | null>(null);
  const names = evaluation.classNames;
  const pairs = useMemo(() => topConfusedPairs(evaluation.confusion, names, 10), [evaluation.confusion, names]);
  const data: HeatmapData = useMemo(() => ({ matrix: evaluation.confusion, rowLabels: names, colLabels: names }), [evaluation.confusion, names]);
  const onHover = useCallback((c: HeatmapCell | null) => setHover(c), []);
  const options: Partial<HeatmapOptions> = useMemo(
    () => ({ scale, onHover, legendLabel: 'images', highlight: pairs.slice(0, 5).map((p) => [p.trueIndex, p.predIndex] as [number, number]) }),
    [scale, onHover, pairs],
  );

  return (
    <Card title={`Confusion matrix (test set, ${evaluation.count.toLocaleString('en-US')} images)`} actions={<ScaleToggle scale={scale} onChange={setScale} />} testId="confusion">
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-[minmax(0,1fr)_300px]">
        <div className="min-w-0">
          <Chart draw={heatmap} data={data} options={options} minHeight={300} name={`Confusion matrix, ${runName}`} testId="confusion-heatmap" />
          <div className="mt-1 min-h-5 text-xs text-slate-700" aria-live="polite">
            {hover ? describe(hover) : 'Point at (or tap) a cell for details; outlined cells are the five most confused pairs.'}
          </div>
        </div>
        <ConfusedPairs pairs={pairs} dataset={dataset} />
      </div>
    </Card>
  );
}
