'use client';
/**
 * The difference of two runs' confusion matrices (B − A, in percentage points of each true class, so
 * runs with test sets of different sizes compare fairly). A and B are chosen from the compared runs
 * and are never the same run: choosing for A the run that is B swaps them; an address that asked for
 * one run twice is told which B it got. Clicking a cell shows the test images A gets right and B gets
 * wrong there, and the reverse.
 */
import { useCallback, useMemo, useState } from 'react';
import type { HeatmapCell } from '../../_charts/heatmap';
import { heatmap } from '../../_charts/heatmap';
import type { RunDetailFragment } from '../../_graphql/generated';
import { confusionDifference } from '../../_lib/analysis';
import { Chart } from '../../_components/Chart';
import { ScaleToggle } from '../../_components/ScaleToggle';
import { Card, Notice } from '../../_components/ui';
import type { Scale } from '../_lib/view';
import { CompareExamples } from './CompareExamples';

interface Props {
  runs: RunDetailFragment[];
  a: string | null;
  b: string | null;
  same: boolean;
  scale: Scale;
  onChange: (change: { a?: string; b?: string; scale?: Scale }) => void;
}

export function ConfusionDiff({ runs, a, b, same, scale, onChange }: Props) {
  const runA = runs.find((r) => r.id === a);
  const runB = runs.find((r) => r.id === b);
  const data = useMemo(() => {
    const ea = runA?.evaluation;
    const eb = runB?.evaluation;
    // A − B means something only over the same classes in the same order.
    if (!ea || !eb || ea.classNames.join('\u0001') !== eb.classNames.join('\u0001')) return null;
    return { matrix: confusionDifference(ea.confusion, eb.confusion), rowLabels: eb.classNames, colLabels: eb.classNames };
  }, [runA, runB]);
  const [cell, setCell] = useState<[number, number] | null>(null);
  const onSelect = useCallback((c: HeatmapCell) => setCell([c.row, c.col]), []);
  const options = useMemo(() => ({ diverging: true, scale, legendLabel: 'Δ pp', valueFormat: '+.2f', onSelect, selected: cell }), [scale, onSelect, cell]);
  const choose = (label: 'A' | 'B', id: string) => {
    if (label === 'A') onChange(id === b ? { a: id, b: a ?? undefined } : { a: id });
    else onChange(id === a ? { b: id, a: b ?? undefined } : { b: id });
  };
  const picker = (label: 'A' | 'B', value: string | null) => (
    <label className="inline-flex min-w-0 items-center gap-2">
      {label}
      <select value={value ?? ''} onChange={(e) => choose(label, e.target.value)} className="min-w-0 max-w-[16rem] rounded border border-slate-400 bg-white px-2 py-1" data-testid={`pair-${label.toLowerCase()}`}>
        {runs.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
      </select>
    </label>
  );
  return (
    <Card title="Confusion difference (B − A, percentage points of each true class)" actions={<ScaleToggle scale={scale} onChange={(s) => onChange({ scale: s })} />} testId="confusion-diff">
      {same && runB && <div className="mb-3"><Notice testId="same-run-notice">The address asked to difference a run with itself, which is zero everywhere; B is {runB.name} instead.</Notice></div>}
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        {picker('A', a)}
        {picker('B', b)}
        <span className="text-xs text-slate-600">Orange: B sends more of the true class there than A; purple: fewer. On the diagonal, orange means B is more often right. Click a cell to see the images one run gets right and the other wrong.</span>
      </div>
      {data ? (
        <div className="mx-auto max-w-[760px]"><Chart draw={heatmap} data={data} options={options} minHeight={300} name={`Confusion difference, ${runB?.name} minus ${runA?.name}`} testId="confusion-diff-heatmap" /></div>
      ) : (
        <div className="flex h-24 items-center justify-center text-center text-sm text-slate-600" data-testid="confusion-diff-unavailable">
          {runA?.evaluation && runB?.evaluation
            ? `No difference: ${runA.name} and ${runB.name} have different classes (${runA.evaluation.classNames.length} and ${runB.evaluation.classNames.length}${runA.dataset !== runB.dataset ? `, ${runA.dataset} and ${runB.dataset}` : ''}); pick two runs on the same classes.`
            : 'Both runs need a finished test evaluation on the same classes.'}
        </div>
      )}
      {data && cell && runA && runB && <CompareExamples a={runA} b={runB} names={data.rowLabels} cell={cell} onClose={() => setCell(null)} />}
    </Card>
  );
}
