/** Small helpers shared by the chart functions: a fresh responsive SVG in an element, and text widths. */
import { select, type Selection } from 'd3';

export interface Margin { top: number; right: number; bottom: number; left: number }

/** Empties `el` and appends an <svg class="chart"> of the given size (viewBox keeps it scalable). */
export function freshSvg(el: Element, width: number, height: number, label?: string): Selection<SVGSVGElement, unknown, null, undefined> {
  const root = select(el);
  root.selectAll('*').remove();
  const svg = root
    .append('svg')
    .attr('class', 'chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .style('max-width', '100%')
    .style('height', 'auto')
    .style('display', 'block');
  if (label) svg.attr('aria-label', label);
  return svg as Selection<SVGSVGElement, unknown, null, undefined>;
}

/** Approximate width of 11 px system-font text; measuring needs layout, which jsdom and SSR lack. */
export function textWidth(s: string, px = 11): number {
  return s.length * px * 0.58;
}
