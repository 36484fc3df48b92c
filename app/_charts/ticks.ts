/**
 * Tick labels that adapt to the range they label. A fixed precision ("2 decimals", "whole percent")
 * prints "2.42, 2.42, 2.42" or "10%, 10%, 9%" when the range is narrow; here the precision comes
 * from the spacing of the ticks (d3's precisionFixed / precisionPrefix) and grows until no two
 * neighbouring labels are equal. All labels of an axis share one precision, so they line up. Pure.
 */
import { format, precisionFixed, precisionPrefix } from 'd3';

/** number: plain decimals (thousands grouped); percent: fractions shown as %; si: 1.2k, 3.4M. */
export type TickKind = 'number' | 'percent' | 'si';

const MAX_EXTRA_DIGITS = 6;

/** The smallest gap between neighbouring distinct ticks (0 for fewer than two). */
function smallestStep(ticks: readonly number[]): number {
  const sorted = [...new Set(ticks)].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i] - sorted[i - 1]);
  // 0.3 − 0.2 is 0.09999999999999998 in floating point: 12 significant digits are what the ticks meant.
  return Number.isFinite(step) ? Number(step.toPrecision(12)) : 0;
}

function specifier(kind: TickKind, digits: number): string {
  if (kind === 'percent') return `.${digits}%`;
  if (kind === 'si') return `.${digits}s`;
  return `,.${digits}f`;
}

/** Labels are compared as shown, so "−0.00" and "0.00" count as different only if both appear. */
export function tickFormatter(ticks: readonly number[], kind: TickKind = 'number'): (v: number) => string {
  const step = smallestStep(ticks);
  const largest = Math.max(0, ...ticks.map((t) => Math.abs(t)));
  let digits: number;
  if (kind === 'si') digits = step > 0 ? Math.max(1, precisionPrefix(step, largest || step)) : 1;
  else if (kind === 'percent') digits = step > 0 ? Math.max(0, precisionFixed(step * 100)) : 0;
  else digits = step > 0 ? Math.max(0, precisionFixed(step)) : 0;
  // Values closer to 0 than a millionth of the step print as 0, never "−0.0".
  const snap = (v: number) => (step > 0 && Math.abs(v) < step * 1e-6 ? 0 : v);
  for (let extra = 0; extra <= MAX_EXTRA_DIGITS; extra++) {
    const f = format(specifier(kind, digits + extra));
    const show = (v: number) => f(snap(v));
    const labels = ticks.map(show);
    if (labels.every((l, i) => i === 0 || l !== labels[i - 1])) return show;
  }
  const f = format(specifier(kind, digits + MAX_EXTRA_DIGITS));
  return (v) => f(snap(v));
}

/** A hover value: a little more precise than the ticks around it. */
export function valueFormatter(kind: TickKind, ticks: readonly number[]): (v: number) => string {
  const step = smallestStep(ticks) / 100;
  return tickFormatter(step > 0 ? [0, step] : [0], kind);
}
