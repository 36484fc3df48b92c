/**
 * Matrix heatmap for confusion matrices (confusion[true][predicted]) and their differences.
 * Sequential Blues for counts with a linear or log (symlog) colour scale; diverging PuOr centred on 0
 * for differences. Row and column labels, axis titles, a colour legend with units (beside the matrix,
 * or under it when the chart is narrower than `stackBelow`, so on a phone the matrix takes the whole
 * width), a hover callback (and native <title> tooltips) with the cell's details, and an optional set
 * of highlighted cells. Pure function of (element, data, options).
 */
import { format, max, range, scaleBand, scaleLinear, scaleSymlog } from 'd3';
import { keepApart } from './labels';
import { diverging, sequential } from './palette';
import { freshSvg, textWidth, type Margin } from './svg';

export interface HeatmapData {
  /** matrix[row][col]. */
  matrix: number[][];
  rowLabels: string[];
  colLabels: string[];
}

export interface HeatmapCell { row: number; col: number; value: number; rowLabel: string; colLabel: string; rowTotal: number }

export interface HeatmapOptions {
  width: number;
  margin: Margin;
  title: string;
  rowTitle: string;
  colTitle: string;
  /** 'log' uses a symmetric log so zero stays zero and small confusions stay visible. */
  scale: 'linear' | 'log';
  /** Centre the colours on 0 (difference matrices). */
  diverging: boolean;
  legendLabel: string;
  valueFormat: string;
  /** Cells to outline, as [row, col]. */
  highlight: [number, number][];
  onHover: ((cell: HeatmapCell | null) => void) | null;
  /** Below this width the colour legend goes under the matrix instead of beside it. */
  stackBelow: number;
}

export const heatmapDefaults: HeatmapOptions = {
  width: 620,
  margin: { top: 26, right: 70, bottom: 44, left: 48 },
  title: '',
  rowTitle: 'True class',
  colTitle: 'Predicted class',
  scale: 'log',
  diverging: false,
  legendLabel: 'count',
  valueFormat: ',d',
  highlight: [],
  onHover: null,
  stackBelow: 480,
};

/** Maps values to [0,1] (sequential) or [-1,1] (diverging) under the chosen scale. */
export function colorPosition(values: number[], o: Pick<HeatmapOptions, 'scale' | 'diverging'>): (v: number) => number {
  const maxAbs = max(values, (v) => Math.abs(v)) || 1;
  const s = o.scale === 'log' ? scaleSymlog().constant(1) : scaleLinear();
  s.domain([0, maxAbs]).range([0, 1]).clamp(true);
  return (v) => Math.sign(v) * s(Math.abs(v));
}

export function heatmap(el: Element, data: HeatmapData, options: Partial<HeatmapOptions> = {}): SVGSVGElement {
  const o: HeatmapOptions = { ...heatmapDefaults, ...options, margin: { ...heatmapDefaults.margin, ...options.margin } };
  const n = data.rowLabels.length;
  const m = data.colLabels.length;
  const stacked = o.width < o.stackBelow;
  // Stacked: the legend is a horizontal ramp under the matrix, so the matrix gets the right margin back.
  const margin = stacked ? { ...o.margin, left: Math.min(o.margin.left, 36), right: 10, bottom: o.margin.bottom + 46 } : o.margin;
  const side = Math.max(40, o.width - margin.left - margin.right);
  const cellH = side / Math.max(1, n);
  const height = margin.top + cellH * n + margin.bottom;
  const svg = freshSvg(el, o.width, height, o.title || 'heatmap');
  const x = scaleBand<number>().domain(range(m)).range([0, side]);
  const y = scaleBand<number>().domain(range(n)).range([0, cellH * n]);
  const flat = data.matrix.flat();
  const pos = colorPosition(flat, o);
  const color = (v: number) => (o.diverging ? diverging(pos(v)) : v === 0 ? '#ffffff' : sequential(pos(v)));
  const fv = format(o.valueFormat);
  const rowTotals = data.matrix.map((r) => r.reduce((a, b) => a + b, 0));

  const g = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  if (o.title) svg.append('text').attr('class', 'chart-title').attr('x', margin.left).attr('y', 14).text(o.title);
  g.append('rect').attr('width', side).attr('height', cellH * n).attr('fill', '#fff').attr('stroke', '#cbd5e1');

  const cells: HeatmapCell[] = [];
  data.matrix.forEach((row, r) => row.forEach((v, c) => cells.push({ row: r, col: c, value: v, rowLabel: data.rowLabels[r], colLabel: data.colLabels[c], rowTotal: rowTotals[r] })));
  const hover = o.onHover;
  g.append('g')
    .attr('class', 'cells')
    .selectAll('rect')
    .data(cells.filter((d) => d.value !== 0))
    .join('rect')
    .attr('x', (d) => x(d.col)!)
    .attr('y', (d) => y(d.row)!)
    .attr('width', x.bandwidth())
    .attr('height', y.bandwidth())
    .attr('fill', (d) => color(d.value))
    .attr('data-row', (d) => d.row)
    .attr('data-col', (d) => d.col)
    .append('title')
    .text((d) => `true ${d.rowLabel} → predicted ${d.colLabel}: ${fv(d.value)}${!o.diverging && d.rowTotal ? ` (${((100 * d.value) / d.rowTotal).toFixed(1)}% of ${d.rowLabel})` : ''}`);

  // Diagonal guide so the eye finds the correct-prediction line in a difference matrix.
  g.append('line').attr('x1', 0).attr('y1', 0).attr('x2', side).attr('y2', cellH * n).attr('stroke', '#94a3b8').attr('stroke-width', 0.5).attr('stroke-dasharray', '2 3').attr('pointer-events', 'none');

  for (const [r, c] of o.highlight) {
    g.append('rect').attr('class', 'highlight').attr('x', x(c)!).attr('y', y(r)!).attr('width', x.bandwidth()).attr('height', y.bandwidth()).attr('fill', 'none').attr('stroke', '#D55E00').attr('stroke-width', 1.5).attr('pointer-events', 'none');
  }

  // Hover: one transparent overlay finds the cell from the pointer, so 2,209 cells need no listeners.
  if (hover) {
    const cross = g.append('rect').attr('class', 'hover').attr('fill', 'none').attr('stroke', '#0f172a').attr('stroke-width', 1.5).attr('visibility', 'hidden').attr('pointer-events', 'none');
    g.append('rect')
      .attr('width', side)
      .attr('height', cellH * n)
      .attr('fill', 'transparent')
      .on('pointermove', (event: PointerEvent) => {
        const rect = (event.currentTarget as SVGRectElement).getBoundingClientRect();
        const scaleX = rect.width ? side / rect.width : 1;
        const c = Math.floor(((event.clientX - rect.left) * scaleX) / x.bandwidth());
        const r = Math.floor(((event.clientY - rect.top) * scaleX) / y.bandwidth());
        if (r < 0 || r >= n || c < 0 || c >= m) return;
        cross.attr('x', x(c)!).attr('y', y(r)!).attr('width', x.bandwidth()).attr('height', y.bandwidth()).attr('visibility', 'visible');
        hover(cells[r * m + c]);
      })
      .on('pointerleave', () => {
        cross.attr('visibility', 'hidden');
        hover(null);
      });
  }

  // Labels: every class when they fit, else every k-th, k as small as keeps neighbours apart.
  const fontPx = Math.min(11, Math.max(7, x.bandwidth() * 0.9));
  const widest = Math.max(...data.colLabels.map((l) => textWidth(l, fontPx)), fontPx * 0.6);
  const step = Math.max(1, Math.ceil((Math.max(widest, fontPx) + 1) / x.bandwidth()));
  g.append('g').attr('class', 'col-labels').selectAll('text').data(range(0, m, step)).join('text')
    .attr('x', (c) => x(c)! + x.bandwidth() / 2).attr('y', cellH * n + fontPx + 2).attr('text-anchor', 'middle').style('font-size', `${fontPx}px`).text((c) => data.colLabels[c]);
  g.append('g').attr('class', 'row-labels').selectAll('text').data(range(0, n, step)).join('text')
    .attr('x', -4).attr('y', (r) => y(r)! + y.bandwidth() / 2).attr('dy', '0.35em').attr('text-anchor', 'end').style('font-size', `${fontPx}px`).text((r) => data.rowLabels[r]);
  g.append('text').attr('class', 'axis-label').attr('x', side / 2).attr('y', cellH * n + 34).attr('text-anchor', 'middle').text(o.colTitle);
  g.append('text').attr('class', 'axis-label').attr('transform', `translate(${-margin.left + 12},${(cellH * n) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(o.rowTitle);

  drawLegend(svg, { o, flat, color, stacked, x0: margin.left, y0: margin.top, side, matrixH: cellH * n });
  return svg.node()!;
}

interface LegendSpec { o: HeatmapOptions; flat: number[]; color: (v: number) => string; stacked: boolean; x0: number; y0: number; side: number; matrixH: number }

/** Colour legend: a gradient with ticks in data units; ticks that would touch a more important one (the ends) are dropped. */
function drawLegend(svg: ReturnType<typeof freshSvg>, { o, flat, color, stacked, x0, y0, side, matrixH }: LegendSpec): void {
  const maxAbs = max(flat, (v) => Math.abs(v)) || 1;
  const lo = o.diverging ? -maxAbs : 0;
  const length = stacked ? Math.min(side, 260) : Math.min(220, matrixH);
  const scaleFor = o.scale === 'log' ? scaleSymlog().constant(1) : scaleLinear();
  const along = (scaleFor.copy() as typeof scaleFor).domain(o.diverging ? [-maxAbs, maxAbs] : [0, maxAbs]).range(stacked ? [0, length] : [length, 0]);
  const lg = svg.append('g').attr('class', 'color-legend').attr('transform', stacked ? `translate(${x0},${y0 + matrixH + 58})` : `translate(${x0 + side + 16},${y0})`);
  const steps = 40;
  for (let i = 0; i < steps; i++) {
    const at = stacked ? (length * i) / steps : (length * (i + 1)) / steps;
    const v = along.invert(at);
    const fill = color(v === 0 && !o.diverging ? 1e-9 : v);
    if (stacked) lg.append('rect').attr('x', at).attr('y', 0).attr('width', length / steps + 0.5).attr('height', 10).attr('fill', fill);
    else lg.append('rect').attr('x', 0).attr('y', (length * i) / steps).attr('width', 12).attr('height', length / steps + 0.5).attr('fill', fill);
  }
  lg.append('rect').attr('width', stacked ? length : 12).attr('height', stacked ? 10 : length).attr('fill', 'none').attr('stroke', '#cbd5e1');
  const candidates = o.scale === 'log' ? logTicks(lo, maxAbs) : along.ticks(5);
  const show = format('~s');
  const ends = new Set([candidates[0], candidates[candidates.length - 1]]);
  const ticks = keepApart(
    candidates.map((t) => ({ pos: along(t), size: stacked ? textWidth(show(t)) + 4 : 12, priority: ends.has(t) ? 1 : 0, value: t })),
    2,
  ).map((l) => l.value);
  const labels = lg.selectAll('text.tick').data(ticks).join('text').attr('class', 'tick').text((t) => show(t));
  if (stacked) labels.attr('x', (t) => along(t)).attr('y', 22).attr('text-anchor', 'middle');
  else labels.attr('x', 16).attr('y', (t) => along(t)).attr('dy', '0.35em');
  lg.append('text').attr('class', 'axis-label').attr('x', 0).attr('y', -8).text(o.legendLabel);
}

function logTicks(lo: number, hi: number): number[] {
  const out = new Set<number>([0, Math.round(hi)]);
  for (let p = 1; p < hi; p *= 10) out.add(p);
  if (lo < 0) for (const t of [...out]) out.add(-t);
  return [...out].sort((a, b) => a - b);
}
