/**
 * A drawing turned into the input a model was trained on, the way MNIST and EMNIST prepared their
 * glyphs: crop to the ink's bounding box, scale it (aspect ratio kept) so its longer side is 20 pixels,
 * and place it in a 28×28 frame with its centre of mass at the frame's centre. The result is upright
 * (row-major, ready to draw); `toStoredOrder` then applies a dataset's stored orientation (EMNIST stores
 * every glyph transposed). Pure functions without imports: the browser's drawing pad, the server's
 * `predict` and the tests share them.
 *
 * Resampling is by area: each output pixel is the mean of the input it covers, with fractional
 * coverage at its edges, so scaling down anti-aliases and scaling up repeats pixels (with blended
 * edges). The centre of mass is intensity-weighted over pixel centres ((x + ½, y + ½)); the offset is
 * rounded (Math.round) and clamped so the glyph stays inside the frame.
 */

/** A grayscale image, row-major, ink intensity 0 (none) … 255 (full). */
export interface GrayImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export interface PreprocessOptions {
  /** Side of the output frame (28). */
  size?: number;
  /** Side of the box the glyph is scaled into (20). */
  box?: number;
}

/** For each output index, the input indices it covers and their weights (summing to 1). */
function areaWeights(inLength: number, outLength: number): { index: number; weight: number }[][] {
  const scale = inLength / outLength; // input units per output pixel
  return Array.from({ length: outLength }, (_, o) => {
    const from = o * scale;
    const to = (o + 1) * scale;
    const out: { index: number; weight: number }[] = [];
    for (let i = Math.floor(from); i < Math.min(inLength, Math.ceil(to)); i++) {
      const overlap = Math.min(to, i + 1) - Math.max(from, i);
      if (overlap > 1e-12) out.push({ index: i, weight: overlap / scale });
    }
    return out;
  });
}

/** The ink's bounding box [x0, x1) × [y0, y1), or null when nothing is drawn. */
export function inkBounds(image: GrayImage): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = image.width;
  let y0 = image.height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[y * image.width + x] > 0) {
        if (x < x0) x0 = x;
        if (x >= x1) x1 = x + 1;
        if (y < y0) y0 = y;
        if (y >= y1) y1 = y + 1;
      }
    }
  }
  return x1 > x0 ? { x0, y0, x1, y1 } : null;
}

/**
 * The drawing as a size×size upright uint8 image (row-major): cropped, scaled into box×box by area,
 * centred by its centre of mass. Null for an empty drawing (no pixel above 0).
 */
export function preprocessDrawing(image: GrayImage, options: PreprocessOptions = {}): Uint8Array | null {
  const size = options.size ?? 28;
  const box = options.box ?? 20;
  if (image.data.length !== image.width * image.height) throw new Error(`the image has ${image.data.length} values, expected ${image.width}×${image.height}`);
  const bounds = inkBounds(image);
  if (!bounds) return null;
  const w = bounds.x1 - bounds.x0;
  const h = bounds.y1 - bounds.y0;
  const scale = box / Math.max(w, h);
  const outW = Math.max(1, Math.round(w * scale));
  const outH = Math.max(1, Math.round(h * scale));
  // Separable area resampling: rows first ([h, outW]), then columns ([outH, outW]).
  const wx = areaWeights(w, outW);
  const wy = areaWeights(h, outH);
  const rows = new Float64Array(h * outW);
  for (let y = 0; y < h; y++) {
    const line = (bounds.y0 + y) * image.width + bounds.x0;
    for (let X = 0; X < outW; X++) {
      let v = 0;
      for (const { index, weight } of wx[X]) v += weight * Math.min(255, Math.max(0, image.data[line + index]));
      rows[y * outW + X] = v;
    }
  }
  const glyph = new Float64Array(outH * outW);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let Y = 0; Y < outH; Y++) {
    for (let X = 0; X < outW; X++) {
      let v = 0;
      for (const { index, weight } of wy[Y]) v += weight * rows[index * outW + X];
      glyph[Y * outW + X] = v;
      mass += v;
      mx += v * (X + 0.5);
      my += v * (Y + 0.5);
    }
  }
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const ox = clamp(Math.round(size / 2 - mx / mass), 0, size - outW);
  const oy = clamp(Math.round(size / 2 - my / mass), 0, size - outH);
  const out = new Uint8Array(size * size);
  for (let Y = 0; Y < outH; Y++) {
    for (let X = 0; X < outW; X++) out[(oy + Y) * size + ox + X] = Math.round(clamp(glyph[Y * outW + X], 0, 255));
  }
  return out;
}

/** An upright rows×cols image in a dataset's stored order: transposed for EMNIST, as is otherwise. */
export function toStoredOrder(upright: ArrayLike<number>, rows: number, cols: number, transposed: boolean): Uint8Array {
  const out = new Uint8Array(rows * cols);
  if (!transposed) {
    out.set(Array.from(upright));
    return out;
  }
  // stored[c · rows + r] is the upright pixel at row r, column c (the inverse of uprightImage in dataset.ts).
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = upright[r * cols + c];
  return out;
}
