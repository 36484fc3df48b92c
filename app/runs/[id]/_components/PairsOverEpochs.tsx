'use client';
/** The most confused pairs' counts after every epoch: when a confusion appeared, and whether training cures it. */
import { useMemo } from 'react';
import { lineChart } from '../../../_charts/lineChart';
import { Chart } from '../../../_components/Chart';
import { Card } from '../../../_components/ui';
import { pairsOverEpochs, type Frame } from '../_lib/confusionTimeline';

export function PairsOverEpochs({ frames, names, runName }: { frames: Frame[]; names: string[]; runName: string }) {
  const series = useMemo(() => pairsOverEpochs(frames, names, 4).map((s) => ({ name: s.name, points: s.points })), [frames, names]);
  const options = useMemo(() => ({ xLabel: 'epoch', yLabel: 'validation images', integerX: true, height: 200, emptyText: 'After two epochs' }), []);
  if (series.length === 0 || (series[0]?.points.length ?? 0) < 2) return null;
  return (
    <Card title="Most confused pairs over the epochs (validation)" testId="pairs-over-epochs">
      <Chart draw={lineChart} data={series} options={options} minHeight={200} name={`Confused pairs over epochs, ${runName}`} />
    </Card>
  );
}
