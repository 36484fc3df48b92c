/**
 * Vertical bar chart over categories, one or more series side by side (grouped bars): per-class F1,
 * class distribution, and ours-vs-published comparisons on the report page. Axis labels and units, a
 * legend when there are several series, an optional horizontal reference line (e.g. the mean), hover
 * titles on every bar. Null values leave a gap. Pure function of (element, data, options).
 */
import { axisBottom, axisLeft, format, max, min, scaleBand, scaleLinear } from 'd3';
import { seriesColor } from './palette';
import { freshSvg, textWidth, type Margin } from './svg';

export interface BarSeries { name: string; values: (number | null)[]; color?: string }
export interface BarData { categories: string[]; series: BarSeries[] }

export interface BarChartOptions {
  width: number;
  height: number;
  margin: Margin;
  title: string;
  xLabel: string;
  yLabel: string;
  yFormat: string;
  /** Format of values in hover titles and the reference label; null uses yFormat. */
  valueFormat: string | null;
  yDomain: [number, number] | null;
  /** A horizontal line at this value with its label, e.g. { value: mean, label: 'mean' }. */
  reference: { value: number; label: string } | null;
  /** Category indices drawn in the accent colour (single series only), e.g. the worst classes. */
  accent: number[];
  accentColor: string;
  legend: boolean;
}

export const barChartDefaults: BarChartOptions = {
  width: 560,
  height: 240,
  margin: { top: 30, right: 16, bottom: 40, left: 56 },
  title: '',
  xLabel: '',
  yLabel: '',
  yFormat: ',~g',
  valueFormat: null,
  yDomain: null,
  reference: null,
  accent: [],
  accentColor: '#D55E00',
  legend: true,
};

export function barChart(el: Element, data: BarData, options: Partial<BarChartOptions> = {}): SVGSVGElement {
  const o: BarChartOptions = { ...barChartDefaults, ...options, margin: { ...barChartDefaults.margin, ...options.margin } };
  const { width, height, margin } = o;
  const svg = freshSvg(el, width, height, o.title || o.yLabel || 'bar chart');
  const innerW = Math.max(10, width - margin.left - margin.right);
  const innerH = Math.max(10, height - margin.top - margin.bottom);
  const values = data.series.flatMap((s) => s.values).filter((v): v is number => v != null && Number.isFinite(v));
  const lo = Math.min(0, min(values) ?? 0);
  const hi = Math.max(o.reference?.value ?? 0, max(values) ?? 1) || 1;
  const x = scaleBand<string>().domain(data.categories.map((c, i) => `${i}`)).range([0, innerW]).paddingInner(0.15).paddingOuter(0.05);
  const inner = scaleBand<number>().domain(data.series.map((_, i) => i)).range([0, x.bandwidth()]).paddingInner(data.series.length > 1 ? 0.08 : 0);
  const y = scaleLinear().domain(o.yDomain ?? [lo, hi]).range([innerH, 0]).nice();
  const fy = format(o.yFormat);
  const fv = format(o.valueFormat ?? o.yFormat);

  const g = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  if (o.title) svg.append('text').attr('class', 'chart-title').attr('x', margin.left).attr('y', 14).text(o.title);
  g.append('g').attr('class', 'grid').selectAll('line').data(y.ticks(5)).join('line').attr('x1', 0).attr('x2', innerW).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));

  // Category labels: all when they fit, else thinned so they never overlap.
  const labelW = Math.max(...data.categories.map((c) => textWidth(c)), 6) + 3;
  const every = Math.max(1, Math.ceil(labelW / Math.max(1, x.step())));
  g.append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(x.domain().filter((_, i) => i % every === 0)).tickFormat((d) => data.categories[Number(d)]).tickSizeOuter(0));
  g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5).tickFormat((d) => fy(d as number)));
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
    g.append('text').attr('x', innerW - 2).attr('y', ry - 4).attr('text-anchor', 'end').text(`${o.reference.label} ${fv(o.reference.value)}`);
  }

  if (o.legend && data.series.length > 1) {
    let cx = width - margin.right;
    const leg = svg.append('g').attr('class', 'legend');
    for (const [i, s] of [...data.series.entries()].reverse()) {
      const w = 18 + textWidth(s.name) + 12;
      cx -= w;
      const lg = leg.append('g').attr('transform', `translate(${cx},6)`).attr('data-legend', s.name);
      lg.append('rect').attr('width', 12).attr('height', 10).attr('fill', s.color ?? seriesColor(i));
      lg.append('text').attr('x', 16).attr('y', 9).text(s.name);
    }
  }
  return svg.node()!;
}
