'use client';
/**
 * What a run's predictions look like: the confusion matrix with its scrubber (the validation matrix
 * after each epoch, live while the run trains, then the test set's), the gallery of a chosen cell's
 * test images, per-class F1 and the most confused pairs of the frame shown, the top pairs over the
 * epochs, and the robustness curves (noisy pixels not clipped and clipped to [0,1], from the same noise
 * draw) beside the study's published one when the run is exactly its preset on EMNIST ByMerge
 * (Run.published). Before any matrix, a line saying when they appear.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { lineChart } from '../../../_charts/lineChart';
import { Chart } from '../../../_components/Chart';
import { Card } from '../../../_components/ui';
import { isActive } from '../../../_lib/runStatus';
import { confusionFrames, nextFrameIndex } from '../_lib/confusionTimeline';
import { selectedCell, type GallerySelection } from '../_lib/gallerySelection';
import { ClassF1 } from './ClassF1';
import { ConfusionPanel } from './ConfusionPanel';
import { ConfusionScrubber } from './ConfusionScrubber';
import { ExamplesPanel } from './ExamplesPanel';
import { useLiveRun } from './LiveRun';
import { PairsOverEpochs } from './PairsOverEpochs';
import { useEpochConfusions, type EpochConfusions } from './useEpochConfusions';

export function RunEvaluation({ initialConfusions }: { initialConfusions: EpochConfusions | null }) {
  const { run } = useLiveRun();
  const ev = run.evaluation;
  const timeline = useEpochConfusions(run.id, initialConfusions, run.status);
  const names = ev?.classNames.length ? ev.classNames : timeline.classNames;
  const frames = useMemo(() => confusionFrames(timeline.epochs, ev?.confusion), [timeline.epochs, ev?.confusion]);
  const [index, setIndex] = useState(frames.length - 1);
  const following = useRef(true);
  const shownKey = useRef<string | null>(null);
  useEffect(() => setIndex(nextFrameIndex(frames, shownKey.current, following.current)), [frames]);
  const frame = frames[Math.min(Math.max(0, index), frames.length - 1)];
  shownKey.current = frame?.key ?? null;
  const onIndex = useCallback((i: number, byUser: boolean) => {
    if (byUser) following.current = i === frames.length - 1;
    setIndex(i);
  }, [frames.length]);
  const [selection, setSelection] = useState<GallerySelection | null>(null);
  const onSelect = useCallback((t: number, p: number) => setSelection({ kind: 'cell', trueClass: t, predictedClass: p }), []);
  const published = useMemo(() => run.published?.robustness.map((p) => ({ x: p.sigma, y: p.accuracy })) ?? [], [run.published]);
  const robustSeries = useMemo(() => {
    // Runs from before both curves were measured have only their own (run.robustness).
    const curve = (name: string, points: { sigma: number; accuracy: number }[], dashed = false) => ({ name, dashed, points: points.map((p) => ({ x: p.sigma, y: p.accuracy })) });
    const both = run.unclipped.length && run.clipped.length;
    return [
      ...(both ? [curve('not clipped', run.unclipped), curve('clipped to [0,1]', run.clipped, true)] : [curve('this run', run.robustness)]),
      ...(published.length ? [{ name: `${run.preset} published`, points: published, dashed: true, color: '#64748b' }] : []),
    ];
  }, [run.robustness, run.clipped, run.unclipped, run.preset, published]);
  const sigmas = useMemo(() => [...new Set([...run.robustness.map((p) => p.sigma), ...published.map((p) => p.x)])].sort((a, b) => a - b), [run.robustness, published]);
  const robustOpts = useMemo(() => ({ xLabel: 'noise σ (pixel scale 0–1)', yLabel: 'test accuracy', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], xTickValues: sigmas, emptyText: 'Measured after training' }), [sigmas]);

  if (!frame || !names.length) {
    return (
      <Card title="Confusion matrix and test evaluation">
        <div className="flex h-24 items-center justify-center text-center text-sm text-slate-600">
          {isActive(run.status) ? 'The validation confusion matrix appears after the first epoch; the test evaluation when training finishes.' : 'This run has no confusion matrix.'}
        </div>
      </Card>
    );
  }
  return (
    <>
      <ConfusionPanel frame={frame} names={names} dataset={run.dataset} runName={run.name} selected={selectedCell(selection)} onSelect={onSelect}>
        <ConfusionScrubber frames={frames} index={frames.indexOf(frame)} onIndex={onIndex} />
      </ConfusionPanel>
      {selection && ev && <ExamplesPanel runId={run.id} names={names} selection={selection} onSelection={setSelection} />}
      {selection && !ev && <Card><p className="text-sm text-slate-600">The test images of each cell can be shown once the run has its test evaluation.</p></Card>}
      <PairsOverEpochs frames={frames} names={names} runName={run.name} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
        <ClassF1 frame={frame} names={names} runName={run.name} />
        <Card title="Robustness: accuracy under Gaussian noise" testId="robustness">
          <Chart draw={lineChart} data={robustSeries} options={robustOpts} minHeight={240} name={`Robustness, ${run.name}`} />
        </Card>
      </div>
    </>
  );
}
