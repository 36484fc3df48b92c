/**
 * The in-memory dataset every part of the trainer works on: all images of all available source files
 * pooled into one uint8 buffer (pixels 0–255, never float32 for the whole set), with labels and class
 * names. Splits are index arrays into this pool, so a split costs 4 bytes per image, not a copy.
 *
 * Orientation convention: `images` keeps each file's stored byte order. EMNIST stores every glyph
 * transposed; `transposed` says so, and `uprightImage` returns a display-ready copy. Training uses the
 * stored order (a fixed pixel permutation changes nothing for an MLP).
 */

export interface DataSource {
  /** File (or package) the images came from. */
  file: string;
  /** Role the distribution gave this file; used by the `official` split mode. */
  role: 'train' | 'test';
  /** First pooled index of this source and how many images it holds. */
  start: number;
  count: number;
}

export interface Dataset {
  name: string;
  /** [count · rows · cols] uint8 pixels, image after image. */
  images: Uint8Array;
  /** [count] class indices 0 … classNames.length − 1. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  classNames: string[];
  /** True where stored images are the transpose of the upright glyph (EMNIST). */
  transposed: boolean;
  sources: DataSource[];
}

/** A copy of image `index`, row-major and upright, ready to draw. */
export function uprightImage(ds: Dataset, index: number): Uint8Array {
  const size = ds.rows * ds.cols;
  const stored = ds.images.subarray(index * size, (index + 1) * size);
  if (!ds.transposed) return stored.slice();
  const upright = new Uint8Array(size);
  // Stored transposed: stored[c * rows + r] is the upright pixel at row r, column c.
  for (let r = 0; r < ds.rows; r++) {
    for (let c = 0; c < ds.cols; c++) upright[r * ds.cols + c] = stored[c * ds.rows + r];
  }
  return upright;
}
