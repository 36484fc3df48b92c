// @vitest-environment jsdom
/**
 * Honest chart text: tick labels that adapt to the range (never two equal neighbours, however narrow
 * the range), labels that keep apart (axis ticks, the heatmap's legend, category labels), the last σ
 * tick, legends only for series with data, and the hover crosshair reading every series at one x.
 */
import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3';
import { barChart } from '../../app/_charts/barChart';
import { heatmap } from '../../app/_charts/heatmap';
import { keepApart, noOverlaps, placeWithin, rectsOverlap } from '../../app/_charts/labels';
import { lineChart } from '../../app/_charts/lineChart';
import { textWidth } from '../../app/_charts/svg';
import { tickFormatter } from '../../app/_charts/ticks';

const labels = (ticks: number[], kind: 'number' | 'percent' | 'si') => ticks.map(tickFormatter(ticks, kind));
const distinctNeighbours = (xs: string[]) => xs.every((x, i) => i === 0 || x !== xs[i - 1]);
const SI: Record<string, number> = { y: 1e-24, z: 1e-21, a: 1e-18, f: 1e-15, p: 1e-12, n: 1e-9, µ: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
/** A label's number again ("−1.5k" → -1500, "12.5%" → 0.125). */
function readBack(label: string, kind: 'number' | 'percent' | 'si'): number {
  const t = label.replace(/−/g, '-').replace(/,/g, '');
  if (kind === 'percent') return Number(t.replace('%', '')) / 100;
  const m = /^(-?[\d.]+)(\D?)$/.exec(t)!;
  return Number(m[1]) * (m[2] ? SI[m[2]] : 1);
}

describe('tick formatter', () => {
  it('never gives two equal neighbouring labels on narrow ranges (the issue\'s own cases)', () => {
    // "2.42, 2.42, 2.42" with a fixed two decimals.
    const loss = scaleLinear().domain([2.4201, 2.4209]).nice().ticks(5);
    expect(distinctNeighbours(labels(loss, 'number'))).toBe(true);
    expect(labels([2.42, 2.422, 2.424], 'number')).toEqual(['2.420', '2.422', '2.424']);
    // "10%, 10%, 9%, 9%" with whole percentages.
    const acc = scaleLinear().domain([0.0925, 0.1005]).nice().ticks(5);
    expect(distinctNeighbours(labels(acc, 'percent'))).toBe(true);
    expect(labels([0.094, 0.096, 0.098, 0.1], 'percent')).toEqual(['9.4%', '9.6%', '9.8%', '10.0%']);
    expect(labels([0, 0.2, 0.4, 0.6, 0.8, 1], 'percent')).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
    expect(labels([1000, 1200, 1400], 'si')).toEqual(['1.0k', '1.2k', '1.4k']);
    expect(labels([0, 5000, 10000, 15000], 'si')).toEqual(['0', '5k', '10k', '15k']); // never 15,000 as "20k"
    expect(labels([0, 500_000, 1_000_000], 'si')).toEqual(['0', '0.5M', '1.0M']);
  });

  it('holds across many random narrow ranges, in every kind', () => {
    let seed = 11;
    const rnd = () => ((seed = (1664525 * seed + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 500; i++) {
      const centre = 10 ** (6 * rnd() - 3) * (rnd() < 0.2 ? -1 : 1);
      const width = Math.abs(centre) * 10 ** (-1 - 5 * rnd());
      const ticks = scaleLinear().domain([centre, centre + width]).nice().ticks(2 + Math.floor(6 * rnd()));
      const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(ticks[0]) * 1e-5;
      for (const kind of ['number', 'percent', 'si'] as const) {
        const shown = labels(ticks, kind);
        expect(distinctNeighbours(shown), `${kind} ${ticks.join(',')}`).toBe(true);
        // And every label says its tick's value, to within half a step.
        shown.forEach((l, i) => expect(Math.abs(readBack(l, kind) - ticks[i]), `${kind} ${l} for ${ticks[i]}`).toBeLessThanOrEqual(step / 2 + 1e-9 * Math.abs(ticks[i])));
      }
    }
  });

  it('prints the σ steps as tenths, not 0.10 (floating-point steps are rounded)', () => {
    expect(labels([0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5], 'number')).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(labels([-1e-17, 0.5, 1], 'number')).toEqual(['0.0', '0.5', '1.0']);
  });
});

describe('label collisions', () => {
  it('keeps the most important labels and drops those that would touch them', () => {
    // The heatmap legend's case: "1k" (at 1000) under "1.217k" (the maximum, kept first).
    const kept = keepApart([
      { pos: 0, size: 12, value: 0, priority: 1 },
      { pos: 40, size: 12, value: 10 },
      { pos: 150, size: 12, value: 1000 },
      { pos: 156, size: 12, value: 1217, priority: 1 },
    ]);
    expect(kept.map((l) => l.value)).toEqual([0, 10, 1217]);
    expect(noOverlaps(kept)).toBe(true);
  });

  it('never leaves overlaps, whatever the input', () => {
    let seed = 5;
    const rnd = () => ((seed = (1664525 * seed + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 200; i++) {
      const input = Array.from({ length: 2 + Math.floor(20 * rnd()) }, (_, k) => ({ pos: 300 * rnd(), size: 4 + 30 * rnd(), value: k, priority: rnd() < 0.2 ? 1 : 0 }));
      const kept = keepApart(input, 2);
      expect(noOverlaps(kept, 2)).toBe(true);
      // Nothing droppable was kept apart needlessly: every dropped label touches a kept one.
      for (const d of input.filter((l) => !kept.includes(l))) expect(noOverlaps([...kept, d], 2)).toBe(false);
    }
  });

  it('places a box inside the plot, on the other side when the first choice would leave it', () => {
    const bounds = { x: 0, y: 0, width: 100, height: 50 };
    expect(placeWithin([{ x: 90, y: 0, width: 30, height: 10 }, { x: 50, y: 0, width: 30, height: 10 }], bounds).x).toBe(50);
    expect(rectsOverlap({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 5, height: 5 })).toBe(false);
  });

  it('draws heatmap legend ticks and axis labels that do not overlap', () => {
    const n = 47;
    const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1217 : (i * j) % 7 === 0 ? 1000 : 3)));
    const names = Array.from({ length: n }, (_, i) => String(i));
    for (const width of [340, 760]) {
      const el = document.createElement('div');
      heatmap(el, { matrix: m, rowLabels: names, colLabels: names }, { width });
      const stacked = width < 480;
      const ticks = [...el.querySelectorAll('.color-legend text.tick')].map((t) => ({ pos: Number(t.getAttribute(stacked ? 'x' : 'y')), size: stacked ? textWidth(t.textContent!) : 11, value: t.textContent }));
      expect(ticks.map((t) => t.value)).toContain('1.217k');
      expect(noOverlaps(ticks)).toBe(true);
      const cols = [...el.querySelectorAll('.col-labels text')].map((t) => ({ pos: Number(t.getAttribute('x')), size: textWidth(t.textContent!, parseFloat((t as SVGElement).style.fontSize)), value: t.textContent }));
      expect(noOverlaps(cols)).toBe(true);
    }
  });
});

describe('line chart text', () => {
  const sigmas = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
  it('labels the last σ, on a phone-width chart too', () => {
    for (const width of [320, 560]) {
      const el = document.createElement('div');
      lineChart(el, [{ name: 'run', points: sigmas.map((s) => ({ x: s, y: 0.9 - s })) }], { width, xTickValues: sigmas, yKind: 'percent' });
      const ticks = [...el.querySelectorAll('.axis-x .tick text')].map((t) => t.textContent);
      expect(ticks[0]).toBe('0.0');
      expect(ticks.at(-1)).toBe('0.5');
    }
  });

  it('lists only series that have data in the legend', () => {
    const el = document.createElement('div');
    lineChart(el, [{ name: 'M0 ours', points: [] }, { name: 'M0 published', points: [{ x: 0, y: 0.87 }, { x: 0.1, y: 0.8 }] }]);
    expect([...el.querySelectorAll('[data-legend]')].map((g) => g.getAttribute('data-legend'))).toEqual(['M0 published']);
    const bars = document.createElement('div');
    barChart(bars, { categories: ['a', 'b'], series: [{ name: 'ours', values: [null, null] }, { name: 'published', values: [0.5, 0.6] }] });
    expect([...bars.querySelectorAll('[data-legend]')].map((g) => g.getAttribute('data-legend'))).toEqual(['published']);
  });

  it('shows every series\' value at the x nearest the pointer, in one box', () => {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const epochs = [1, 2, 3, 4];
    lineChart(el, [
      { name: 'train', points: epochs.map((e) => ({ x: e, y: 1 / e })) },
      { name: 'validation', points: epochs.map((e) => ({ x: e, y: 1.1 / e })) },
    ], { width: 400, integerX: true, xLabel: 'epoch' });
    const overlay = el.querySelector('.crosshair-overlay')!;
    // jsdom has no layout: the overlay's box is at 0 with width 0, so clientX is read in plot pixels.
    const innerW = Number(overlay.getAttribute('width'));
    overlay.dispatchEvent(new MouseEvent('pointermove', { clientX: innerW * (2.1 - 1) / 3, bubbles: true }));
    const layer = el.querySelector('.crosshair')!;
    expect(layer.getAttribute('visibility')).toBe('visible');
    expect(layer.getAttribute('data-x')).toBe('2');
    expect([...layer.querySelectorAll('.crosshair-values text')].map((t) => t.textContent)).toEqual(['epoch 2', 'train: 0.500', 'validation: 0.550']);
    overlay.dispatchEvent(new MouseEvent('pointerleave'));
    expect(layer.getAttribute('visibility')).toBe('hidden');
    el.remove();
  });
});

describe('y axis room', () => {
  it('moves the plot right far enough that wide tick labels never reach the axis title', () => {
    for (const domain of [[2.42011, 2.42019], [0, 1], [10_000, 250_000]] as [number, number][]) {
      const el = document.createElement('div');
      lineChart(el, [{ name: 's', points: [{ x: 1, y: domain[0] }, { x: 2, y: domain[1] }] }], { yLabel: 'cross-entropy (nats)' });
      const plot = el.querySelector('svg > g')!.getAttribute('transform')!;
      const left = Number(/translate\(([\d.]+),/.exec(plot)![1]);
      const widest = Math.max(...[...el.querySelectorAll('.axis-y .tick text')].map((t) => textWidth(t.textContent!)));
      // Tick labels end 9 px left of the axis; the title's box spans 14 ± 5.5 px from the chart's edge.
      expect(left - 9 - widest, `${domain}`).toBeGreaterThanOrEqual(14 + 5.5);
    }
  });
});
