'use client';
/**
 * A run's confusion matrix, for the frame the scrubber shows (the test set, or validation after an
 * epoch): a heatmap (47×47 for ByMerge) with a log/linear colour toggle, a line explaining the cell
 * under the pointer (or finger, or keyboard cursor), the most confused pairs beside it on a wide
 * screen and under it on a phone. Clicking a cell or a pair (or Enter on the focused matrix) asks for
 * that cell's test images; the scrubber and the gallery are placed by the caller.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { heatmap, type HeatmapCell, type HeatmapData, type HeatmapOptions } from '../../../_charts/heatmap';
import { topConfusedPairs } from '../../../../trainer/eval/confusedPairs';
import { Chart } from '../../../_components/Chart';
import { ScaleToggle, type ColourScale } from '../../../_components/ScaleToggle';
import { Card } from '../../../_components/ui';
import type { Frame } from '../_lib/confusionTimeline';
import { ConfusedPairs } from './ConfusedPairs';

function describe(cell: HeatmapCell): string {
  const share = cell.rowTotal ? ` (${((100 * cell.value) / cell.rowTotal).toFixed(1)}% of ${cell.rowLabel})` : '';
  return `True ${cell.rowLabel} predicted as ${cell.colLabel}: ${cell.value.toLocaleString('en-US')} image${cell.value === 1 ? '' : 's'}${share}`;
}

interface Props {
  frame: Frame;
  names: string[];
  dataset: string;
  runName: string;
  selected: [number, number] | null;
  onSelect: (trueClass: number, predictedClass: number) => void;
  /** The scrubber, under the matrix. */
  children?: ReactNode;
}

export function ConfusionPanel({ frame, names, dataset, runName, selected, onSelect, children }: Props) {
  const [scale, setScale] = useState<ColourScale>('log');
  const [hover, setHover] = useState<HeatmapCell | null>(null);
  const pairs = useMemo(() => topConfusedPairs(frame.matrix, names, 10), [frame.matrix, names]);
  const data: HeatmapData = useMemo(() => ({ matrix: frame.matrix, rowLabels: names, colLabels: names }), [frame.matrix, names]);
  const onHover = useCallback((c: HeatmapCell | null) => setHover(c), []);
  const select = useCallback((c: HeatmapCell) => onSelect(c.row, c.col), [onSelect]);
  const options: Partial<HeatmapOptions> = useMemo(
    () => ({ scale, onHover, onSelect: select, selected, legendLabel: 'images', highlight: pairs.slice(0, 5).map((p) => [p.trueIndex, p.predIndex] as [number, number]) }),
    [scale, onHover, select, selected, pairs],
  );
  const what = frame.kind === 'test' ? 'test set' : `validation, after epoch ${frame.epoch}`;
  return (
    <Card title={`Confusion matrix (${what}, ${frame.total.toLocaleString('en-US')} images)`} actions={<ScaleToggle scale={scale} onChange={setScale} />} testId="confusion">
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-[minmax(0,1fr)_300px]">
        <div className="min-w-0">
          <Chart draw={heatmap} data={data} options={options} minHeight={300} name={`Confusion matrix, ${runName}`} testId="confusion-heatmap" />
          <div className="mt-1 min-h-5 text-xs text-slate-700" aria-live="polite">
            {hover ? describe(hover) : 'Point at (or tap) a cell for details, click it to see its test images; outlined cells are the five most confused pairs.'}
          </div>
          {children}
        </div>
        <ConfusedPairs pairs={pairs} dataset={dataset} onSelect={(p) => onSelect(p.trueIndex, p.predIndex)} />
      </div>
    </Card>
  );
}
