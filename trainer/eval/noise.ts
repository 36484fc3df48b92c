/**
 * The robustness curve's Gaussian noise: a seeded standard-normal draw, scaled by σ and added to [0,1]
 * pixels (clamped back to [0,1] only with `clip`). One draw serves every σ of a block.
 */
import { fillNormal, mulberry32 } from '../util/rng';

/** `length` standard-normal float32 values from `seed`. */
export function gaussianNoise(length: number, seed: number): Float32Array {
  return fillNormal(new Float32Array(length), mulberry32(seed));
}

/** out[i] = clean[i] + σ·noise[i], clamped to [0,1] with `clip`; `out` may be `clean` itself. */
export function applyNoise(clean: Float32Array, noise: Float32Array, sigma: number, clip: boolean, out: Float32Array): void {
  const n = clean.length;
  if (!clip) {
    for (let i = 0; i < n; i++) out[i] = clean[i] + sigma * noise[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = clean[i] + sigma * noise[i];
    out[i] = v <= 0 ? 0 : v > 1 ? 1 : v; // Math.min(1, Math.max(0, v)), −0 and NaN included
  }
}

/** Adds σ·N(0,1) from `seed` to `pixels` in place (σ = 0 leaves them untouched). */
export function addGaussianNoise(pixels: Float32Array, sigma: number, seed: number, clip: boolean): void {
  if (sigma === 0) return;
  applyNoise(pixels, gaussianNoise(pixels.length, seed), sigma, clip, pixels);
}
