'use client';
/** Training curves, loss and accuracy per epoch, growing live; the epoch axis spans the planned epochs. */
import { useMemo } from 'react';
import { lineChart } from '../../../_charts/lineChart';
import { Card } from '../../../_components/ui';
import { Chart } from '../../../_components/Chart';
import { curveSeries } from '../_lib/curves';
import { useLiveRun } from './LiveRun';

export function RunCurves() {
  const { run } = useLiveRun();
  const planned = (run.config as { epochs?: number } | null)?.epochs ?? 1;
  const loss = useMemo(() => curveSeries(run.epochs, 'loss'), [run.epochs]);
  const acc = useMemo(() => curveSeries(run.epochs, 'accuracy'), [run.epochs]);
  const xDomain = useMemo(() => [1, Math.max(2, planned)] as [number, number], [planned]);
  const lossOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'cross-entropy (nats)', integerX: true, xDomain, emptyText: 'Waiting for the first epoch' }), [xDomain]);
  const accOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'accuracy', yKind: 'percent' as const, integerX: true, xDomain, emptyText: 'Waiting for the first epoch' }), [xDomain]);
  return (
    <>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Training curves: loss" testId="loss-curve">
          <Chart draw={lineChart} data={loss} options={lossOpts} minHeight={260} name={`Loss per epoch, ${run.name}`} />
        </Card>
        <Card title="Training curves: accuracy" testId="accuracy-curve">
          <Chart draw={lineChart} data={acc} options={accOpts} minHeight={260} name={`Accuracy per epoch, ${run.name}`} />
        </Card>
      </div>
      <div className="text-xs text-slate-600" data-testid="epoch-count">{run.epochs.length} epoch{run.epochs.length === 1 ? '' : 's'} recorded</div>
    </>
  );
}
