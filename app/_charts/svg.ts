/**
 * Small helpers shared by the chart functions: a fresh responsive SVG in an element (carrying its own
 * stylesheet, so the drawing looks the same on the page, downloaded as SVG, or rendered to PNG), and
 * text widths.
 */
import { select, type Selection } from 'd3';

export interface Margin { top: number; right: number; bottom: number; left: number }

/** Text and axis styles of every chart; slate-600/700 text on white passes WCAG AA. */
export const CHART_CSS = [
  // Scoped to the chart: a <style> inside inline SVG applies to the whole page (and Tailwind has a .grid class).
  'svg.chart text { font: 11px ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; fill: #334155; }',
  'svg.chart .axis path, svg.chart .axis line { stroke: #94a3b8; }',
  'svg.chart .gridlines line { stroke: #e2e8f0; }',
  'svg.chart .axis-label { fill: #475569; }',
  'svg.chart .chart-title { font-size: 12px; font-weight: 600; fill: #0f172a; }',
  'svg.chart .empty { fill: #64748b; }',
  'svg.chart .crosshair-box { fill: #ffffff; stroke: #cbd5e1; }',
  'svg.chart .crosshair-overlay:focus { outline: none; }',
  'svg.chart .crosshair-overlay:focus-visible { stroke: #0369a1; stroke-width: 2; }',
].join('\n');

/** Empties `el` and appends an <svg class="chart"> of the given size (viewBox keeps it scalable). */
export function freshSvg(el: Element, width: number, height: number, label?: string): Selection<SVGSVGElement, unknown, null, undefined> {
  const root = select(el);
  root.selectAll('*').remove();
  const svg = root
    .append('svg')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('class', 'chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .style('max-width', '100%')
    .style('height', 'auto')
    .style('display', 'block');
  if (label) svg.attr('aria-label', label);
  svg.append('style').text(CHART_CSS);
  return svg as Selection<SVGSVGElement, unknown, null, undefined>;
}

/** Approximate width of 11 px system-font text; measuring needs layout, which jsdom and SSR lack. */
export function textWidth(s: string, px = 11): number {
  return s.length * px * 0.58;
}

/**
 * The left margin a y axis needs: its widest tick label, the tick (6 px) and gap (3 px) before it,
 * and the rotated axis title (centred 14 px from the edge, 11 px tall) with a little air between.
 */
export function yAxisRoom(tickLabels: string[]): number {
  return Math.ceil(Math.max(0, ...tickLabels.map((l) => textWidth(l))) + 9 + 22);
}
