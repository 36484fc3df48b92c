'use client';
/** The runs' validation curves (and, when asked, their training curves, dashed) and robustness curves, overlaid. */
import { useMemo } from 'react';
import { lineChart, type LineSeries } from '../../_charts/lineChart';
import { seriesColor } from '../../_charts/palette';
import type { RunDetailFragment } from '../../_graphql/generated';
import { Chart } from '../../_components/Chart';
import { Card } from '../../_components/ui';

export function CompareCharts({ runs, showTrain }: { runs: RunDetailFragment[]; showTrain: boolean }) {
  const [loss, acc] = useMemo(() => {
    const curves = (metric: 'loss' | 'accuracy'): LineSeries[] =>
      runs.flatMap((r, i) => {
        const val = { name: showTrain ? `${r.name} val` : r.name, color: seriesColor(i), points: r.epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.valLoss : e.valAccuracy })) };
        const train = { name: `${r.name} train`, color: seriesColor(i), dashed: true, points: r.epochs.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.trainLoss : e.trainAccuracy })) };
        return showTrain ? [val, train] : [val];
      });
    return [curves('loss'), curves('accuracy')];
  }, [runs, showTrain]);
  const robust = useMemo(() => runs.map((r, i) => ({ name: r.name, color: seriesColor(i), points: r.robustness.map((p) => ({ x: p.sigma, y: p.accuracy })) })), [runs]);
  const sigmas = useMemo(() => [...new Set(runs.flatMap((r) => r.robustness.map((p) => p.sigma)))].sort((a, b) => a - b), [runs]);
  const lossOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'cross-entropy (nats)', integerX: true }), []);
  const accOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'accuracy', yKind: 'percent' as const, integerX: true }), []);
  const robustOpts = useMemo(() => ({ xLabel: 'noise σ (pixel scale 0–1)', yLabel: 'test accuracy', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], xTickValues: sigmas, emptyText: 'No robustness results yet' }), [sigmas]);
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Card title={showTrain ? 'Loss per epoch (validation solid, training dashed)' : 'Validation loss per epoch'} testId="compare-loss">
        <Chart draw={lineChart} data={loss} options={lossOpts} minHeight={260} name="Compared loss per epoch" />
      </Card>
      <Card title={showTrain ? 'Accuracy per epoch (validation solid, training dashed)' : 'Validation accuracy per epoch'} testId="compare-accuracy">
        <Chart draw={lineChart} data={acc} options={accOpts} minHeight={260} name="Compared accuracy per epoch" />
      </Card>
      <Card title="Robustness: accuracy under Gaussian noise" className="lg:col-span-2" testId="compare-robustness">
        <Chart draw={lineChart} data={robust} options={robustOpts} minHeight={260} name="Compared robustness" />
      </Card>
    </div>
  );
}
