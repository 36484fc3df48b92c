/**
 * Tick labels that adapt to the range they label. A fixed precision ("2 decimals", "whole percent")
 * prints "2.42, 2.42, 2.42" or "10%, 10%, 9%" when the range is narrow; here the precision comes
 * from the spacing of the ticks (d3's precisionFixed / precisionPrefix) and grows until no two
 * neighbouring labels are equal. All labels of an axis share one precision, so they line up. Pure.
 */
import { format, formatPrefix, precisionFixed, precisionPrefix } from 'd3';

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

/** A formatter with `digits` decimals; SI labels share the prefix of the largest tick (0.5M, 1.0M, 1.5M). */
function formatterFor(kind: TickKind, digits: number, largest: number): (v: number) => string {
  if (kind === 'percent') return format(`.${digits}%`);
  if (kind === 'si') {
    const f = formatPrefix(`,.${digits}`, largest || 1);
    return (v) => (v === 0 ? '0' : f(v));
  }
  return format(`,.${digits}f`);
}

/** Labels are compared as shown, so "−0.00" and "0.00" count as different only if both appear. */
export function tickFormatter(ticks: readonly number[], kind: TickKind = 'number'): (v: number) => string {
  const step = smallestStep(ticks);
  const largest = Math.max(0, ...ticks.map((t) => Math.abs(t)));
  // One tick alone has no neighbour to set a precision: say it as it is (up to six significant digits).
  if (step === 0) return format(kind === 'percent' ? '~%' : kind === 'si' ? '~s' : ',~g');
  let digits: number;
  if (kind === 'si') digits = step > 0 ? Math.max(0, precisionPrefix(step, largest || step)) : 0;
  else if (kind === 'percent') digits = step > 0 ? Math.max(0, precisionFixed(step * 100)) : 0;
  else digits = step > 0 ? Math.max(0, precisionFixed(step)) : 0;
  // Values closer to 0 than a millionth of the step print as 0, never "−0.0".
  const snap = (v: number) => (step > 0 && Math.abs(v) < step * 1e-6 ? 0 : v);
  for (let extra = 0; extra <= MAX_EXTRA_DIGITS; extra++) {
    const f = formatterFor(kind, digits + extra, largest);
    const show = (v: number) => f(snap(v));
    const labels = ticks.map(show);
    if (labels.every((l, i) => i === 0 || l !== labels[i - 1])) return show;
  }
  const f = formatterFor(kind, digits + MAX_EXTRA_DIGITS, largest);
  return (v) => f(snap(v));
}

/** A hover value: a little more precise than the ticks around it. */
export function valueFormatter(kind: TickKind, ticks: readonly number[]): (v: number) => string {
  const step = smallestStep(ticks) / 100;
  return tickFormatter(step > 0 ? [0, step] : [0], kind);
}
