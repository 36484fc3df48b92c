'use client';
/** Images per class as bars: the mean as a reference line (its label in the legend row), largest and smallest class in orange. */
import { useMemo } from 'react';
import { barChart } from '../../../_charts/barChart';
import type { DatasetQuery } from '../../../_graphql/generated';
import { Chart } from '../../../_components/Chart';
import { Card } from '../../../_components/ui';

type Stats = NonNullable<NonNullable<DatasetQuery['dataset']>['stats']>;

export function ClassDistribution({ classNames, stats, datasetTitle }: { classNames: string[]; stats: Stats; datasetTitle: string }) {
  const data = useMemo(() => ({ categories: classNames, series: [{ name: 'images', values: stats.counts }] }), [classNames, stats]);
  const options = useMemo(
    () => ({ xLabel: 'class', yLabel: 'images per class', yKind: 'si' as const, valueFormat: ',.0f', reference: { value: stats.mean, label: 'mean' }, accent: [stats.minClass, stats.maxClass], accentLabel: 'largest and smallest' }),
    [stats],
  );
  return (
    <Card title="Class distribution" testId="class-distribution">
      <Chart draw={barChart} data={data} options={options} minHeight={240} name={`Class distribution, ${datasetTitle}`} />
    </Card>
  );
}
