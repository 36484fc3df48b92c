'use client';
/**
 * The report's charts, drawn from the server's rows: test accuracy ours vs published (bars, for the
 * presets that have either), and the robustness curves (ours solid, published dashed) under the noise
 * protocol the page shows (clipped or not: the switch beside the chart).
 */
import { useMemo } from 'react';
import { barChart } from '../../_charts/barChart';
import { lineChart, type LineSeries } from '../../_charts/lineChart';
import { seriesColor } from '../../_charts/palette';
import type { ReportRowFieldsFragment } from '../../_graphql/generated';
import { Chart } from '../../_components/Chart';

const PUBLISHED_GREY = '#64748b';

const test = (r: ReportRowFieldsFragment) => r.metrics.find((m) => m.key === 'testAccuracy');

export function TestChart({ rows, comparable }: { rows: ReportRowFieldsFragment[]; comparable: boolean }) {
  const shown = useMemo(() => rows.filter((r) => test(r)?.ours != null || test(r)?.published != null), [rows]);
  const bars = useMemo(() => ({
    categories: shown.map((r) => r.preset),
    series: [
      { name: 'ours', values: shown.map((r) => test(r)?.ours ?? null), color: seriesColor(0) },
      ...(comparable ? [{ name: 'published', values: shown.map((r) => test(r)?.published ?? null), color: PUBLISHED_GREY }] : []),
    ],
  }), [shown, comparable]);
  const opts = useMemo(() => ({ yLabel: 'test accuracy', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], xLabel: 'preset', valueFormat: '.2%', emptyText: 'No finished run yet' }), []);
  return <Chart draw={barChart} data={bars} options={opts} minHeight={240} name="Test accuracy, ours vs published" />;
}

export function RobustnessChart({ rows, clip }: { rows: ReportRowFieldsFragment[]; clip: boolean }) {
  const lines: LineSeries[] = useMemo(
    () => rows.filter((r) => r.robustness.length).flatMap((r, i) => [
      { name: `${r.preset} ours`, color: seriesColor(i), points: r.robustness.filter((p) => p.ours != null).map((p) => ({ x: p.sigma, y: p.ours! })) },
      { name: `${r.preset} published`, color: seriesColor(i), dashed: true, points: r.robustness.filter((p) => p.published != null).map((p) => ({ x: p.sigma, y: p.published! })) },
    ]).filter((s) => s.points.length),
    [rows],
  );
  const sigmas = useMemo(() => [...new Set(rows.flatMap((r) => r.robustness.map((p) => p.sigma)))].sort((a, b) => a - b), [rows]);
  const opts = useMemo(() => ({ xLabel: `noise σ (pixel scale 0–1${clip ? ', clipped to [0,1]' : ', not clipped'})`, yLabel: 'test accuracy', yKind: 'percent' as const, yDomain: [0, 1] as [number, number], xTickValues: sigmas.length ? sigmas : null, emptyText: 'No robustness curve yet' }), [sigmas, clip]);
  return <Chart draw={lineChart} data={lines} options={opts} minHeight={300} name="Robustness curves, ours vs published" />;
}
