// @vitest-environment jsdom
/**
 * The chart functions are pure functions of (element, data, options): given deterministic data they
 * draw the same SVG, with axes, labels, legends and one mark per datum, and redraw cleanly.
 */
import { describe, expect, it } from 'vitest';
import { lineChart, lineChartDefaults } from '../../app/_charts/lineChart';
import { heatmap, colorPosition } from '../../app/_charts/heatmap';
import { barChart } from '../../app/_charts/barChart';
import { OKABE_ITO, seriesColor } from '../../app/_charts/palette';

/** Seeded LCG so fixtures are the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
}

function curves() {
  const r = rng(7);
  const epochs = Array.from({ length: 10 }, (_, i) => i + 1);
  return [
    { name: 'train', points: epochs.map((e) => ({ x: e, y: 1.5 / e + 0.05 * r() })) },
    { name: 'validation', dashed: true, points: epochs.map((e) => ({ x: e, y: 1.6 / e + 0.05 * r() })) },
  ];
}

function confusion(n: number) {
  const r = rng(3);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 500 + Math.floor(100 * r()) : r() < 0.2 ? Math.floor(30 * r()) : 0)));
}

describe('lineChart', () => {
  it('draws one path and one marker per point, both axes with labels, and a legend', () => {
    const el = document.createElement('div');
    const svg = lineChart(el, curves(), { xLabel: 'epoch', yLabel: 'loss (nats)', integerX: true, title: 'Loss' });
    expect(el.querySelectorAll('svg')).toHaveLength(1);
    expect(svg.getAttribute('width')).toBe(String(lineChartDefaults.width));
    expect(svg.querySelectorAll('.line-series path')).toHaveLength(2);
    expect(svg.querySelectorAll('.line-series circle')).toHaveLength(20);
    expect(svg.querySelector('.axis-x')).not.toBeNull();
    expect(svg.querySelector('.axis-y')).not.toBeNull();
    const labels = [...svg.querySelectorAll('.axis-label')].map((t) => t.textContent);
    expect(labels).toEqual(['epoch', 'loss (nats)']);
    expect([...svg.querySelectorAll('[data-legend]')].map((g) => g.getAttribute('data-legend')).sort()).toEqual(['train', 'validation']);
    expect(svg.querySelector('[data-series="validation"] path')!.getAttribute('stroke-dasharray')).toBe('5 4');
    // Epoch ticks are whole numbers only.
    const ticks = [...svg.querySelectorAll('.axis-x .tick text')].map((t) => Number(t.textContent));
    expect(ticks.every(Number.isInteger)).toBe(true);
  });

  it('keeps a fixed epoch domain while a run is live and labels the first epoch', () => {
    const el = document.createElement('div');
    const opts = { integerX: true, xDomain: [1, 40] as [number, number] };
    lineChart(el, [{ name: 'val', points: [{ x: 1, y: 2 }, { x: 2, y: 1.5 }] }], opts);
    const ticks = [...el.querySelectorAll('.axis-x .tick text')].map((t) => Number(t.textContent));
    expect(ticks[0]).toBe(1);
    expect(ticks.at(-1)).toBe(40);
    expect(opts.xDomain).toEqual([1, 40]); // options are not mutated
  });

  it('is deterministic and replaces its previous drawing', () => {
    const a = document.createElement('div');
    const b = document.createElement('div');
    lineChart(a, curves(), { width: 400 });
    lineChart(a, curves(), { width: 400 });
    lineChart(b, curves(), { width: 400 });
    expect(a.querySelectorAll('svg')).toHaveLength(1);
    expect(a.innerHTML).toBe(b.innerHTML);
  });

  it('shows an empty-state message and skips non-finite points', () => {
    const el = document.createElement('div');
    lineChart(el, [{ name: 's', points: [] }], { emptyText: 'Waiting for the first epoch' });
    expect(el.querySelector('.empty')!.textContent).toBe('Waiting for the first epoch');
    lineChart(el, [{ name: 's', points: [{ x: 0, y: NaN }, { x: 1, y: 0.5 }] }]);
    expect(el.querySelectorAll('circle')).toHaveLength(1);
  });

  it('uses the colour-blind-safe palette in order', () => {
    const el = document.createElement('div');
    lineChart(el, curves());
    expect(el.querySelector('[data-series="train"] path')!.getAttribute('stroke')).toBe(OKABE_ITO[0]);
    expect(seriesColor(OKABE_ITO.length)).toBe(OKABE_ITO[0]);
  });
});

describe('heatmap', () => {
  it('draws a cell per non-zero entry with labels on both axes and a colour legend', () => {
    const n = 47;
    const m = confusion(n);
    const names = Array.from({ length: n }, (_, i) => (i < 10 ? String(i) : String.fromCharCode(55 + i)));
    const el = document.createElement('div');
    const svg = heatmap(el, { matrix: m, rowLabels: names, colLabels: names }, { width: 600 });
    const nonZero = m.flat().filter((v) => v !== 0).length;
    expect(svg.querySelectorAll('.cells rect')).toHaveLength(nonZero);
    expect(svg.querySelectorAll('.row-labels text').length).toBeGreaterThanOrEqual(24);
    expect(svg.querySelectorAll('.col-labels text').length).toBeGreaterThanOrEqual(24);
    expect([...svg.querySelectorAll('.axis-label')].map((t) => t.textContent)).toEqual(['Predicted class', 'True class', 'count']);
    const first = svg.querySelector('.cells rect title')!.textContent!;
    expect(first).toMatch(/^true 0 → predicted 0: /);
    expect(svg.querySelectorAll('.color-legend rect').length).toBeGreaterThan(10);
  });

  it('log and linear scales differ for small counts; diverging is symmetric around zero', () => {
    const values = [0, 1, 10, 1000];
    const lin = colorPosition(values, { scale: 'linear', diverging: false });
    const log = colorPosition(values, { scale: 'log', diverging: false });
    expect(lin(0)).toBe(0);
    expect(log(0)).toBe(0);
    expect(lin(1000)).toBeCloseTo(1);
    expect(log(10)).toBeGreaterThan(lin(10) * 5);
    const div = colorPosition([-5, 5], { scale: 'linear', diverging: true });
    expect(div(-5)).toBeCloseTo(-1);
    expect(div(5)).toBeCloseTo(1);
  });

  it('outlines highlighted cells and wires hover only when asked', () => {
    const el = document.createElement('div');
    heatmap(el, { matrix: confusion(5), rowLabels: ['a', 'b', 'c', 'd', 'e'], colLabels: ['a', 'b', 'c', 'd', 'e'] }, { highlight: [[0, 1], [2, 3]] });
    expect(el.querySelectorAll('rect.highlight')).toHaveLength(2);
    expect(el.querySelector('rect.hover')).toBeNull();
    heatmap(el, { matrix: confusion(5), rowLabels: ['a', 'b', 'c', 'd', 'e'], colLabels: ['a', 'b', 'c', 'd', 'e'] }, { onHover: () => {} });
    expect(el.querySelector('rect.hover')).not.toBeNull();
  });
});

describe('barChart', () => {
  it('draws one bar per value, grouped by series, with a legend and a reference line', () => {
    const el = document.createElement('div');
    const svg = barChart(
      el,
      { categories: ['M0', 'M1g', 'M2', 'M3b'], series: [{ name: 'ours', values: [0.87, 0.88, null, 0.89] }, { name: 'published', values: [0.8745, 0.8858, 0.8836, 0.8883] }] },
      { yLabel: 'test accuracy (%)', yKind: 'percent', reference: { value: 0.85, label: 'target' } },
    );
    expect(svg.querySelectorAll('[data-series="ours"] rect')).toHaveLength(3);
    expect(svg.querySelectorAll('[data-series="published"] rect')).toHaveLength(4);
    // Two series and the reference line, whose label sits in the legend row rather than over the bars.
    expect([...svg.querySelectorAll('[data-legend]')].map((g) => g.getAttribute('data-legend'))).toEqual(['ours', 'published', 'target 85.0%']);
    expect(svg.querySelector('line.reference')).not.toBeNull();
    expect(svg.querySelector('[data-series="ours"] rect title')!.textContent).toBe('M0 · ours: 87.0%');
  });

  it('thins category labels so 47 classes never overlap on a narrow chart, and accents chosen bars', () => {
    const el = document.createElement('div');
    const cats = Array.from({ length: 47 }, (_, i) => `c${i}`);
    const svg = barChart(el, { categories: cats, series: [{ name: 'F1', values: cats.map((_, i) => i / 47) }] }, { width: 300, accent: [0, 1] });
    expect(svg.querySelectorAll('.axis-x .tick').length).toBeLessThan(47);
    const fills = [...svg.querySelectorAll('.bars rect')].map((r) => r.getAttribute('fill'));
    expect(fills[0]).toBe('#D55E00');
    expect(fills[2]).toBe(OKABE_ITO[0]);
  });
});
