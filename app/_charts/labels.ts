/**
 * Keeping labels off each other. Axis and legend labels sit along one dimension (an axis, a colour
 * ramp), each with a position and an extent; `keepApart` keeps the most important ones and drops any
 * that would touch a label already kept, so "1.2k" never sits on "1k". Rectangle helpers serve the
 * few labels placed in two dimensions (the crosshair's box). Pure functions; unit-tested.
 */

export interface AxisLabel<T = unknown> {
  /** Centre along the axis, in pixels. */
  pos: number;
  /** Extent along the axis, in pixels (the label's width on a horizontal axis, its height on a vertical one). */
  size: number;
  /** Higher is kept first (e.g. the ends of an axis); ties keep the earlier label. */
  priority?: number;
  value: T;
}

/** The labels that can be shown without overlapping (at least `gap` px apart), in their original order. */
export function keepApart<T>(labels: readonly AxisLabel<T>[], gap = 3): AxisLabel<T>[] {
  const order = labels.map((l, i) => ({ l, i })).sort((a, b) => (b.l.priority ?? 0) - (a.l.priority ?? 0) || a.i - b.i);
  const kept: { l: AxisLabel<T>; i: number }[] = [];
  for (const c of order) {
    if (kept.every((k) => !spansTouch(k.l, c.l, gap))) kept.push(c);
  }
  return kept.sort((a, b) => a.i - b.i).map((k) => k.l);
}

function spansTouch(a: AxisLabel, b: AxisLabel, gap: number): boolean {
  return Math.abs(a.pos - b.pos) < (a.size + b.size) / 2 + gap;
}

/** True when no two labels are closer than `gap` px. */
export function noOverlaps(labels: readonly AxisLabel[], gap = 0): boolean {
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) if (spansTouch(labels[i], labels[j], gap)) return false;
  return true;
}

export interface Rect { x: number; y: number; width: number; height: number }

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The first candidate rectangle that lies inside `bounds`, or the last candidate clamped into them. */
export function placeWithin(candidates: readonly Rect[], bounds: Rect): Rect {
  const inside = (r: Rect) => r.x >= bounds.x && r.y >= bounds.y && r.x + r.width <= bounds.x + bounds.width && r.y + r.height <= bounds.y + bounds.height;
  const hit = candidates.find(inside);
  if (hit) return hit;
  const r = candidates[candidates.length - 1];
  return {
    ...r,
    x: Math.max(bounds.x, Math.min(r.x, bounds.x + bounds.width - r.width)),
    y: Math.max(bounds.y, Math.min(r.y, bounds.y + bounds.height - r.height)),
  };
}
