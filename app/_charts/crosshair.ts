/**
 * The shared hover crosshair of line charts: a transparent overlay finds the x nearest the pointer
 * among every series' points, draws a vertical rule there, a dot on each series that has a point at
 * that x, and one box listing each series' value, placed beside the rule on whichever side keeps it
 * inside the plot. Drawn with D3 inside the chart's own SVG, so it needs no React state.
 *
 * The keyboard reaches it too: the overlay is a slider over the x values (Tab to it; Left/Right step,
 * Home/End jump, Escape hides), whose aria-valuetext carries the same values as the box, so a screen
 * reader reads what the pointer would show.
 */
import type { ScaleLinear, Selection } from 'd3';
import { placeWithin } from './labels';
import { textWidth } from './svg';

interface CrosshairSeries { name: string; color: string; dashed?: boolean; points: { x: number; y: number }[] }

export interface CrosshairSpec {
  series: CrosshairSeries[];
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  innerW: number;
  innerH: number;
  xLabel: string;
  /** What the chart shows, for the keyboard slider's name. */
  label: string;
  showX: (v: number) => string;
  showY: (v: number) => string;
}

/** The value nearest `target` in a sorted list. */
export function nearest(sorted: readonly number[], target: number): number {
  let best = sorted[0];
  for (const v of sorted) if (Math.abs(v - target) < Math.abs(best - target)) best = v;
  return best;
}

export function drawCrosshair(g: Selection<SVGGElement, unknown, null, undefined>, spec: CrosshairSpec): void {
  const { series, x, y, innerW, innerH } = spec;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const layer = g.append('g').attr('class', 'crosshair').attr('visibility', 'hidden').attr('pointer-events', 'none');
  const rule = layer.append('line').attr('y1', 0).attr('y2', innerH).attr('stroke', '#475569').attr('stroke-width', 1).attr('stroke-dasharray', '3 3');
  const dots = layer.append('g');
  const box = layer.append('g').attr('class', 'crosshair-values');

  /** Each series' point at x, for the series that have one. */
  const hitsAt = (xv: number) =>
    series.flatMap((s) => {
      const p = s.points.find((q) => Math.abs(q.x - xv) < 1e-9);
      return p ? [{ s, p }] : [];
    });
  const describe = (xv: number, hits = hitsAt(xv)) => [`${spec.xLabel} ${spec.showX(xv)}`, ...hits.map((h) => `${h.s.name}: ${spec.showY(h.p.y)}`)];
  let shown: number | null = null;
  const overlay = g.append('rect');
  const show = (xv: number) => {
    shown = xv;
    const px = x(xv);
    rule.attr('x1', px).attr('x2', px);
    const hits = hitsAt(xv);
    dots.selectAll('circle').data(hits).join('circle').attr('cx', px).attr('cy', (h) => y(h.p.y)).attr('r', 4).attr('fill', (h) => h.s.color).attr('stroke', '#fff').attr('stroke-width', 1.5);
    const lines = describe(xv, hits);
    const w = Math.max(...lines.map((l) => textWidth(l))) + 26;
    const h = lines.length * 14 + 8;
    const spot = placeWithin(
      [
        { x: px + 10, y: 4, width: w, height: h },
        { x: px - 10 - w, y: 4, width: w, height: h },
      ],
      { x: 0, y: 0, width: innerW, height: innerH },
    );
    box.attr('transform', `translate(${spot.x},${spot.y})`);
    box.selectAll('*').remove();
    box.append('rect').attr('class', 'crosshair-box').attr('width', w).attr('height', h).attr('rx', 4).attr('opacity', 0.95);
    lines.forEach((text, i) => {
      const row = box.append('g').attr('transform', `translate(8,${14 + i * 14})`);
      if (i > 0) row.append('line').attr('x1', 0).attr('x2', 10).attr('y1', -4).attr('y2', -4).attr('stroke', hits[i - 1].s.color).attr('stroke-width', 2).attr('stroke-dasharray', hits[i - 1].s.dashed ? '3 2' : null);
      row.append('text').attr('x', i > 0 ? 14 : 0).attr('font-weight', i === 0 ? 600 : 400).text(text);
    });
    layer.attr('visibility', 'visible').attr('data-x', xv);
    overlay.attr('aria-valuenow', xv).attr('aria-valuetext', lines.join('; '));
  };
  const hide = () => layer.attr('visibility', 'hidden');
  const KEYS: Record<string, (i: number) => number> = {
    ArrowRight: (i) => i + 1,
    ArrowUp: (i) => i + 1,
    ArrowLeft: (i) => i - 1,
    ArrowDown: (i) => i - 1,
    Home: () => 0,
    End: () => xs.length - 1,
  };

  overlay
    .attr('class', 'crosshair-overlay')
    .attr('tabindex', 0)
    .attr('role', 'slider')
    .attr('aria-label', `${spec.label}: left and right arrow keys step through each ${spec.xLabel}`)
    .attr('aria-valuemin', xs[0])
    .attr('aria-valuemax', xs[xs.length - 1])
    // Where focus starts (a slider must always have a value).
    .attr('aria-valuenow', xs[xs.length - 1])
    .attr('aria-valuetext', describe(xs[xs.length - 1]).join('; '))
    .attr('width', innerW)
    .attr('height', innerH)
    .attr('fill', 'transparent')
    .on('pointermove', (event: PointerEvent) => {
      const target = event.currentTarget as SVGRectElement;
      const rect = target.getBoundingClientRect();
      const scale = rect.width ? innerW / rect.width : 1;
      show(nearest(xs, x.invert((event.clientX - rect.left) * scale)));
    })
    .on('pointerleave', hide)
    .on('focus', () => show(shown ?? xs[xs.length - 1]))
    .on('blur', hide)
    .on('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Escape') return void hide();
      const step = KEYS[event.key];
      if (!step) return;
      event.preventDefault();
      const at = shown === null ? xs.length - 1 : xs.indexOf(shown);
      show(xs[Math.min(xs.length - 1, Math.max(0, step(at)))]);
    });
}
