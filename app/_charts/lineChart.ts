/**
 * Line chart: one or more series of (x, y) points on linear axes, with axis labels and units, a legend
 * of the series that have data, point markers with hover titles, a shared hover crosshair that reads
 * every series' value at the nearest x, and an empty-state message. Used for training curves (loss
 * and accuracy per epoch), robustness curves (accuracy vs σ) and their overlays on the compare and
 * report pages. A pure function of (element, data, options): it replaces the element's contents.
 */
import { axisBottom, axisLeft, extent, line, max, min, scaleLinear } from 'd3';
import { drawCrosshair } from './crosshair';
import { keepApart } from './labels';
import { drawLegend, legendHeight, legendRows } from './legend';
import { seriesColor } from './palette';
import { freshSvg, textWidth, yAxisRoom, type Margin } from './svg';
import { tickFormatter, valueFormatter, type TickKind } from './ticks';

export interface LinePoint { x: number; y: number }
export interface LineSeries {
  name: string;
  points: LinePoint[];
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  width: number;
  height: number;
  margin: Margin;
  title: string;
  xLabel: string;
  yLabel: string;
  /** How tick labels read: plain numbers, percentages of fractions, or SI (1.2k); precision adapts to the range. */
  xKind: TickKind;
  yKind: TickKind;
  /** Fixed domains; null fits the data (y padded by 5%). */
  xDomain: [number, number] | null;
  yDomain: [number, number] | null;
  /** Only integer x ticks (epochs). */
  integerX: boolean;
  /** Candidate x ticks (e.g. every σ measured); thinned only as far as their labels need, keeping both ends. */
  xTickValues: number[] | null;
  markers: boolean;
  legend: boolean;
  /** The vertical hover line with every series' value at that x. */
  crosshair: boolean;
  emptyText: string;
}

export const lineChartDefaults: LineChartOptions = {
  width: 560,
  height: 260,
  margin: { top: 30, right: 16, bottom: 40, left: 56 },
  title: '',
  xLabel: 'x',
  yLabel: 'y',
  xKind: 'number',
  yKind: 'number',
  xDomain: null,
  yDomain: null,
  integerX: false,
  xTickValues: null,
  markers: true,
  legend: true,
  crosshair: true,
  emptyText: 'No data yet',
};

type Drawn = LineSeries & { color: string };

/** x ticks whose labels fit: candidates thinned with both ends kept. */
function xTicksThatFit(candidates: number[], x: (v: number) => number, show: (v: number) => string): number[] {
  const last = candidates.length - 1;
  return keepApart(candidates.map((v, i) => ({ pos: x(v), size: textWidth(show(v)) + 4, priority: i === 0 || i === last ? 2 : 0, value: v })), 4).map((l) => l.value);
}

export function lineChart(el: Element, data: LineSeries[], options: Partial<LineChartOptions> = {}): SVGSVGElement {
  const o: LineChartOptions = { ...lineChartDefaults, ...options, margin: { ...lineChartDefaults.margin, ...options.margin } };
  const { width, height } = o;
  const svg = freshSvg(el, width, height, o.title || `${o.yLabel} by ${o.xLabel}`);
  const series: Drawn[] = data.map((s, i) => ({ ...s, color: s.color ?? seriesColor(i), points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)) }));
  const withData = series.filter((s) => s.points.length > 0);
  const all = withData.flatMap((s) => s.points);

  const legendTop = o.title ? 16 : 0;
  const items = withData.map((s) => ({ name: s.name, color: s.color, swatch: s.dashed ? ('dashed' as const) : ('line' as const) }));
  const rows = o.legend ? legendRows(items, width - o.margin.left - o.margin.right) : [];
  const margin = { ...o.margin, top: Math.max(o.margin.top, legendHeight(rows, legendTop)) };
  const innerH = Math.max(10, height - margin.top - margin.bottom);

  const xExt: [number, number] = o.xDomain ? [...o.xDomain] : all.length ? (extent(all, (p) => p.x) as [number, number]) : [0, 1];
  if (xExt[0] === xExt[1]) xExt[1] = xExt[0] + 1;
  let yExt: [number, number];
  if (o.yDomain) yExt = o.yDomain;
  else if (all.length) {
    const lo = min(all, (p) => p.y)!;
    const hi = max(all, (p) => p.y)!;
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
    yExt = [lo - pad, hi + pad];
  } else yExt = [0, 1];

  const y = scaleLinear().domain(yExt).range([innerH, 0]).nice();
  const yTicks = y.ticks(Math.max(2, Math.min(6, Math.floor(innerH / 40))));
  const fy = tickFormatter(yTicks, o.yKind);
  // Wide tick labels ("2.4205") push the plot right, so they never touch the y axis title.
  margin.left = Math.max(margin.left, yAxisRoom(yTicks.map(fy)));
  const innerW = Math.max(10, width - margin.left - margin.right);
  const x = scaleLinear().domain(xExt).range([0, innerW]);

  let xCandidates: number[];
  if (o.xTickValues) xCandidates = o.xTickValues.filter((v) => v >= xExt[0] && v <= xExt[1]);
  else if (o.integerX) {
    xCandidates = x.ticks(Math.min(8, Math.max(1, xExt[1] - xExt[0]))).filter((t) => Number.isInteger(t));
    // Epoch axes start at 1; show that first epoch when d3's round ticks (5, 10, …) leave it out.
    if (Number.isInteger(xExt[0]) && xCandidates[0] > xExt[0]) xCandidates.unshift(xExt[0]);
  } else xCandidates = x.ticks(Math.max(2, Math.floor(innerW / 80)));
  const fx = o.integerX ? (v: number) => String(v) : tickFormatter(xCandidates, o.xKind);
  const xTicks = xTicksThatFit(xCandidates, x, fx);

  const g = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  g.append('g').attr('class', 'gridlines').selectAll('line').data(yTicks).join('line').attr('x1', 0).attr('x2', innerW).attr('y1', (d) => y(d)).attr('y2', (d) => y(d));
  g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerH})`).call(axisBottom(x).tickValues(xTicks).tickFormat((d) => fx(d as number)));
  g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).tickValues(yTicks).tickFormat((d) => fy(d as number)));
  g.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 32).attr('text-anchor', 'middle').text(o.xLabel);
  g.append('text').attr('class', 'axis-label').attr('transform', `translate(${-margin.left + 14},${innerH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(o.yLabel);
  if (o.title) svg.append('text').attr('class', 'chart-title').attr('x', margin.left).attr('y', 14).text(o.title);

  if (!all.length) g.append('text').attr('class', 'empty').attr('x', innerW / 2).attr('y', innerH / 2).attr('text-anchor', 'middle').text(o.emptyText);

  const hoverX = o.integerX ? fx : valueFormatter(o.xKind, xCandidates);
  const hoverY = valueFormatter(o.yKind, yTicks);
  const path = line<LinePoint>().x((p) => x(p.x)).y((p) => y(p.y));
  const plot = g.append('g').attr('class', 'series');
  series.forEach((s, i) => {
    const sg = plot.append('g').attr('class', 'line-series').attr('data-series', s.name).attr('data-index', i);
    sg.append('path').attr('d', path(s.points) ?? '').attr('fill', 'none').attr('stroke', s.color).attr('stroke-width', 2).attr('stroke-dasharray', s.dashed ? '5 4' : null);
    if (o.markers) {
      sg.selectAll('circle')
        .data(s.points)
        .join('circle')
        .attr('cx', (p) => x(p.x))
        .attr('cy', (p) => y(p.y))
        .attr('r', s.points.length > 60 ? 1.5 : 3)
        .attr('fill', s.dashed ? '#fff' : s.color)
        .attr('stroke', s.color)
        .append('title')
        .text((p) => `${s.name}\n${o.xLabel}: ${hoverX(p.x)}\n${o.yLabel}: ${hoverY(p.y)}`);
    }
  });

  drawLegend(svg, rows, width - margin.right, legendTop);

  if (o.crosshair && all.length) {
    // A chart with a focusable part is a group, not an image (an image's children are hidden from assistive technology).
    svg.attr('role', 'group');
    drawCrosshair(g, { series: withData, x, y, innerW, innerH, xLabel: o.xLabel, label: o.title || `${o.yLabel} by ${o.xLabel}`, showX: hoverX, showY: hoverY });
  }
  return svg.node()!;
}
