/**
 * Chart legends: items laid out in rows right-aligned above the plot, wrapping when a row is full, so
 * a legend never runs over the plot (the chart moves its plot down by the rows it needs). Each item is
 * a swatch (a line, dashed or not, or a filled box) and its name. Shared by the line and bar charts.
 */
import type { Selection } from 'd3';
import { textWidth } from './svg';

export interface LegendItem { name: string; color: string; swatch: 'line' | 'dashed' | 'box' }

type Row = { item: LegendItem; w: number }[];

export function legendRows(items: readonly LegendItem[], available: number): Row[] {
  const rows: Row[] = [];
  let row: Row = [];
  let used = 0;
  for (const item of items) {
    const w = 22 + textWidth(item.name) + 12;
    if (row.length && used + w > available) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push({ item, w });
    used += w;
  }
  if (row.length) rows.push(row);
  return rows;
}

/** The height the rows take above the plot (with the title's line, when there is one). */
export const legendHeight = (rows: Row[], top: number) => top + rows.length * 15 + 12;

export function drawLegend(svg: Selection<SVGSVGElement, unknown, null, undefined>, rows: Row[], right: number, top: number): void {
  if (!rows.length) return;
  const leg = svg.append('g').attr('class', 'legend');
  rows.forEach((row, r) => {
    let cx = right - row.reduce((a, it) => a + it.w, 0);
    for (const { item, w } of row) {
      const g = leg.append('g').attr('transform', `translate(${cx},${top + 10 + r * 15})`).attr('data-legend', item.name);
      if (item.swatch === 'box') g.append('rect').attr('y', -5).attr('width', 12).attr('height', 10).attr('fill', item.color);
      else g.append('line').attr('x1', 0).attr('x2', 16).attr('y1', 0).attr('y2', 0).attr('stroke', item.color).attr('stroke-width', 2).attr('stroke-dasharray', item.swatch === 'dashed' ? '4 3' : null);
      g.append('text').attr('x', 20).attr('y', 4).text(item.name);
      cx += w;
    }
  });
}
