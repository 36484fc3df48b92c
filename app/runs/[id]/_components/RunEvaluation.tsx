'use client';
/**
 * The test evaluation, once there is one: the confusion matrix, per-class F1 (the five worst in
 * orange, macro F1 as a reference line), and the robustness curves — noisy pixels not clipped and
 * clipped to [0,1], from the same noise draw — beside the study's published one when the run is exactly
 * its preset on EMNIST ByMerge (Run.published).
 * Before that, a line saying when it will appear.
 */
import { useMemo } from 'react';
import { barChart } from '../../../_charts/barChart';
import { lineChart } from '../../../_charts/lineChart';
import { Chart } from '../../../_components/Chart';
import { Card } from '../../../_components/ui';
import { isActive } from '../../../_lib/runStatus';
import { ConfusionPanel } from './ConfusionPanel';
import { useLiveRun } from './LiveRun';

export function RunEvaluation() {
  const { run } = useLiveRun();
  const ev = run.evaluation;
  const published = useMemo(() => run.published?.robustness.map((p) => ({ x: p.sigma, y: p.accuracy })) ?? [], [run.published]);
  const f1Data = useMemo(() => ({ categories: ev?.perClass.map((c) => c.name) ?? [], series: [{ name: 'F1', values: ev?.perClass.map((c) => c.f1) ?? [] }] }), [ev]);
  const f1Opts = useMemo(() => {
    const worst = [...(ev?.perClass ?? [])].sort((a, b) => a.f1 - b.f1).slice(0, 5).map((c) => c.classIndex);
    return { xLabel: 'class', yLabel: 'F1 score', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], reference: ev ? { value: ev.macroF1, label: 'macro F1' } : null, accent: worst, accentLabel: 'five worst', valueFormat: '.1%' };
  }, [ev]);
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

  if (!ev) {
    return (
      <Card title="Test evaluation">
        <div className="flex h-24 items-center justify-center text-center text-sm text-slate-600">
          {isActive(run.status) ? 'The confusion matrix, per-class F1 and robustness curve appear when training finishes.' : 'This run has no test evaluation.'}
        </div>
      </Card>
    );
  }
  return (
    <>
      <ConfusionPanel evaluation={ev} dataset={run.dataset} runName={run.name} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
        <Card title="Per-class F1 (test set)" testId="f1-bars">
          <Chart draw={barChart} data={f1Data} options={f1Opts} minHeight={240} name={`Per-class F1, ${run.name}`} />
        </Card>
        <Card title="Robustness: accuracy under Gaussian noise" testId="robustness">
          <Chart draw={lineChart} data={robustSeries} options={robustOpts} minHeight={240} name={`Robustness, ${run.name}`} />
        </Card>
      </div>
    </>
  );
}
