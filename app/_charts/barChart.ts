/**
 * Vertical bar chart over categories, one or more series side by side (grouped bars): per-class F1,
 * class distribution, and ours-vs-published comparisons on the report page. Axis labels and units,
 * a legend of the series that have data, an optional horizontal reference line (e.g. the mean) whose
 * label sits in the legend row above the plot, never on the bars, and hover titles on every bar.
 * Null values leave a gap. Pure function of (element, data, options).
 */
import { axisBottom, axisLeft, format, max, min, scaleBand, scaleLinear } from 'd3';
import { drawLegend, legendHeight, legendRows, type LegendItem } from './legend';
import { seriesColor } from './palette';
import { freshSvg, textWidth, yAxisRoom, type Margin } from './svg';
import { tickFormatter, valueFormatter, type TickKind } from './ticks';

export interface BarSeries { name: string; values: (number | null)[]; color?: string }
export interface BarData { categories: string[]; series: BarSeries[] }

export interface BarChartOptions {
  width: number;
  height: number;
  margin: Margin;
  title: string;
  xLabel: string;
  yLabel: string;
  /** How y tick labels read; their precision adapts to the range. */
  yKind: TickKind;
  /** d3-format of values in hover titles and the reference label; null: a little finer than the ticks. */
  valueFormat: string | null;
  yDomain: [number, number] | null;
  /** A horizontal line at this value, labelled in the legend row, e.g. { value: mean, label: 'mean' }. */
  reference: { value: number; label: string } | null;
  /** Category indices drawn in the accent colour (single series only), e.g. the worst classes. */
  accent: number[];
  accentColor: string;
  accentLabel: string | null;
  legend: boolean;
}

export const barChartDefaults: BarChartOptions = {
  width: 560,
  height: 240,
  margin: { top: 30, right: 16, bottom: 40, left: 56 },
  title: '',
  xLabel: '',
  yLabel: '',
  yKind: 'number',
  valueFormat: null,
  yDomain: null,
  reference: null,
  accent: [],
  accentColor: '#D55E00',
  accentLabel: null,
  legend: true,
};

export function barChart(el: Element, data: BarData, options: Partial<BarChartOptions> = {}): SVGSVGElement {
  const o: BarChartOptions = { ...barChartDefaults, ...options, margin: { ...barChartDefaults.margin, ...options.margin } };
  const { width, height } = o;
  const svg = freshSvg(el, width, height, o.title || o.yLabel || 'bar chart');
  const values = data.series.flatMap((s) => s.values).filter((v): v is number => v != null && Number.isFinite(v));
  const lo = Math.min(0, min(values) ?? 0);
  const hi = Math.max(o.reference?.value ?? 0, max(values) ?? 1) || 1;
  const y0 = scaleLinear().domain(o.yDomain ?? [lo, hi]).nice();
  const yTicks = y0.ticks(5);
  const fy = tickFormatter(yTicks, o.yKind);
  const fv = o.valueFormat ? format(o.valueFormat) : valueFormatter(o.yKind, yTicks);

  // Legend: series with data (when there are several), the accent's meaning, the reference line and its value.
  const withData = data.series.map((s, i) => ({ s, i })).filter(({ s }) => s.values.some((v) => v != null && Number.isFinite(v)));
  const items: LegendItem[] = [];
  if (o.legend && data.series.length > 1) for (const { s, i } of withData) items.push({ name: s.name, color: s.color ?? seriesColor(i), swatch: 'box' });
  if (o.legend && o.accentLabel && o.accent.length && data.series.length === 1) items.push({ name: o.accentLabel, color: o.accentColor, swatch: 'box' });
  if (o.reference) items.push({ name: `${o.reference.label} ${fv(o.reference.value)}`, color: '#0f172a', swatch: 'dashed' });
  const rows = legendRows(items, width - o.margin.left - o.margin.right);
  const legendTop = o.title ? 16 : 0;
  const margin = { ...o.margin, top: Math.max(o.margin.top, legendHeight(rows, legendTop)) };
  margin.left = Math.max(margin.left, yAxisRoom(yTicks.map(fy)));
  const innerW = Math.max(10, width - margin.left - margin.right);
  const innerH = Math.max(10, height - margin.top - margin.bottom);
  const y = y0.copy().range([innerH, 0]);
  const x = scaleBand<string>().domain(data.categories.map((_, i) => `${i}`)).range([0, innerW]).paddingInner(0.15).paddingOuter(0.05);
  const inner = scaleBand<number>().domain(data.series.map((_, i) => i)).range([0, x.bandwidth()]).paddingInner(data.series.length > 1 ? 0.08 : 0);

  const g = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  if (o.title) svg.append('text').attr('class', 'chart-title').attr('x', margin.left).attr('y', 14).text(o.title);
  g.append('g').attr('class', 'gridlines').selectAll('line').data(yTicks).join('line').attr('x1', 0).attr('x2', innerW).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));

  // Category labels: all when they fit, else every k-th, k as small as keeps the widest label clear of the next.
  const widest = Math.max(6, ...data.categories.map((c) => textWidth(c))) + 3;
  const every = Math.max(1, Math.ceil(widest / Math.max(1, x.step())));
  const tickValues = x.domain().filter((_, i) => i % every === 0);
  g.append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(tickValues).tickFormat((d) => data.categories[Number(d)]).tickSizeOuter(0));
  g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).tickValues(yTicks).tickFormat((d) => fy(d as number)));
  if (o.xLabel) g.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 32).attr('text-anchor', 'middle').text(o.xLabel);
  if (o.yLabel) g.append('text').attr('class', 'axis-label').attr('transform', `translate(${-margin.left + 14},${innerH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(o.yLabel);

  const accent = new Set(o.accent);
  data.series.forEach((s, si) => {
    const color = s.color ?? seriesColor(si);
    g.append('g')
      .attr('class', 'bars')
      .attr('data-series', s.name)
      .selectAll('rect')
      .data(s.values.map((v, ci) => ({ v, ci })).filter((d): d is { v: number; ci: number } => d.v != null && Number.isFinite(d.v)))
      .join('rect')
      .attr('x', (d) => x(`${d.ci}`)! + inner(si)!)
      .attr('y', (d) => y(Math.max(0, d.v)))
      .attr('width', inner.bandwidth())
      .attr('height', (d) => Math.abs(y(d.v) - y(0)))
      .attr('fill', (d) => (data.series.length === 1 && accent.has(d.ci) ? o.accentColor : color))
      .append('title')
      .text((d) => `${data.categories[d.ci]}${data.series.length > 1 ? ` · ${s.name}` : ''}: ${fv(d.v)}`);
  });

  if (o.reference) {
    const ry = y(o.reference.value);
    g.append('line').attr('class', 'reference').attr('x1', 0).attr('x2', innerW).attr('y1', ry).attr('y2', ry).attr('stroke', '#0f172a').attr('stroke-dasharray', '4 3');
  }

  drawLegend(svg, rows, width - margin.right, legendTop);
  return svg.node()!;
}
