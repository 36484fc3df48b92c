'use client';
/**
 * The report's charts: test accuracy ours vs published (bars), robustness curves (ours solid,
 * published dashed; the legend lists only curves that have data) and validation accuracy per epoch
 * of M0 and the M1 variants.
 */
import { useMemo } from 'react';
import { barChart } from '../../_charts/barChart';
import { lineChart, type LineSeries } from '../../_charts/lineChart';
import { seriesColor } from '../../_charts/palette';
import type { RobustnessRow, TestRow } from '../../_lib/report';
import { Chart } from '../../_components/Chart';
import { Card } from '../../_components/ui';

const PUBLISHED_GREY = '#64748b';

export function ReportCharts({ test, robust, m1 }: { test: TestRow[]; robust: RobustnessRow[]; m1: { model: string; points: { x: number; y: number }[] }[] }) {
  const bars = useMemo(() => ({
    categories: test.map((t) => t.model),
    series: [
      { name: 'ours', values: test.map((t) => t.ours?.accuracy ?? null), color: seriesColor(0) },
      { name: 'published', values: test.map((t) => t.published.accuracy), color: PUBLISHED_GREY },
    ],
  }), [test]);
  const barOpts = useMemo(() => ({ yLabel: 'test accuracy', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], xLabel: 'model', valueFormat: '.2%' }), []);
  const lines: LineSeries[] = useMemo(() => robust.flatMap((r, i) => [
    { name: `${r.model} ours`, color: seriesColor(i), points: r.sigmas.map((s, k) => ({ x: s, y: r.ours[k] ?? NaN })) },
    { name: `${r.model} published`, color: seriesColor(i), dashed: true, points: r.sigmas.map((s, k) => ({ x: s, y: r.published[k] })) },
  ]), [robust]);
  const sigmas = robust[0]?.sigmas;
  const robustOpts = useMemo(() => ({ xLabel: 'noise σ (pixel scale 0–1)', yLabel: 'test accuracy', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], xTickValues: sigmas ?? null }), [sigmas]);
  const curves: LineSeries[] = useMemo(() => m1.map((c, i) => ({ name: c.model, color: seriesColor(i), dashed: i >= 8, points: c.points })), [m1]);
  const curveOpts = useMemo(() => ({ xLabel: 'epoch', yLabel: 'validation accuracy', yKind: 'percent' as const, integerX: true, markers: false, emptyText: 'No M0/M1 runs yet' }), []);
  return (
    <>
      <Card title="Test accuracy: ours vs published" testId="report-test-chart">
        <Chart draw={barChart} data={bars} options={barOpts} minHeight={240} name="Test accuracy, ours vs published" />
      </Card>
      <Card title="Robustness curves (solid ours, dashed published)">
        <Chart draw={lineChart} data={lines} options={robustOpts} minHeight={300} name="Robustness curves, ours vs published" />
      </Card>
      <Card title="Validation accuracy per epoch, M0 and M1 variants (ours)">
        <Chart draw={lineChart} data={curves} options={curveOpts} minHeight={260} name="Validation accuracy per epoch, M0 and M1" />
      </Card>
    </>
  );
}
