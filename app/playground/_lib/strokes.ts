/**
 * The drawing pad's strokes as data, and their rendering into a grayscale raster that the dataset
 * preprocessing (trainer/data/drawing.ts) turns into the 28×28 model input. Points are in [0,1] pad
 * coordinates; widths are in pixels of the 28×28 grid. A pixel's ink is 255 where its centre is
 * within half the stroke width of a stroke (round caps and joins), falling off linearly over one
 * raster pixel outside (anti-aliasing). Pure and deterministic: the browser, the tests and a drawing
 * replayed later all get the same pixels.
 */
import type { GrayImage } from '../../../trainer/data/drawing';

export interface Stroke {
  /** Width in pixels of the 28×28 grid. */
  width: number;
  points: [number, number][];
}

/** Stroke widths offered, in pixels of the 28×28 grid. */
export const STROKE_WIDTHS = [2, 3, 4] as const;

/** Raster side: four raster pixels per grid pixel, so preprocessing scales down with anti-aliasing. */
export const RASTER = 112;

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
  const x = ax + t * dx - px;
  const y = ay + t * dy - py;
  return Math.sqrt(x * x + y * y);
}

/** The strokes as a size×size grayscale image (ink 0…255). */
export function rasterizeStrokes(strokes: readonly Stroke[], size = RASTER): GrayImage {
  const data = new Uint8Array(size * size);
  const scale = size / 28; // raster pixels per grid pixel
  for (const stroke of strokes) {
    const r = (stroke.width * scale) / 2;
    const pts = stroke.points.map(([x, y]) => [x * size, y * size] as const);
    if (!pts.length) continue;
    const segments = pts.length === 1 ? [[pts[0], pts[0]] as const] : pts.slice(1).map((p, i) => [pts[i], p] as const);
    for (const [[ax, ay], [bx, by]] of segments) {
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
      const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx) + r + 1));
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
      const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by) + r + 1));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const d = distanceToSegment(x + 0.5, y + 0.5, ax, ay, bx, by);
          const ink = Math.round(255 * Math.max(0, Math.min(1, r + 0.5 - d)));
          if (ink > data[y * size + x]) data[y * size + x] = ink;
        }
      }
    }
  }
  return { width: size, height: size, data };
}

/** Pixels as base64 (the gallery's format) and back. */
export function toBase64(pixels: Uint8Array): string {
  let s = '';
  for (const v of pixels) s += String.fromCharCode(v);
  return btoa(s);
}
