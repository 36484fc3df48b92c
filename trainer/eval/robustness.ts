/**
 * Robustness to Gaussian noise: test accuracy after adding N(0, σ²) to every [0,1] pixel, for each σ.
 * The noise is seeded per batch and shared across σ (the same standard-normal draw scaled by σ), so
 * the curve compares levels, not noise samples. Pixels are not clipped unless `clip` is set, in which
 * case noisy values are clamped back to [0,1].
 */
import type { Dataset } from '../data/dataset';
import type { TrainableModel } from '../engine/model';
import type { RobustnessPoint } from '../result';
import { deriveSeed, fillNormal, mulberry32 } from '../util/rng';
import { predict, predictionAccuracy } from './evaluate';

export function addGaussianNoise(pixels: Float32Array, sigma: number, seed: number, clip: boolean): void {
  if (sigma === 0) return;
  const noise = fillNormal(new Float32Array(pixels.length), mulberry32(seed));
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] + sigma * noise[i];
    pixels[i] = clip ? Math.min(1, Math.max(0, v)) : v;
  }
}

export function robustnessCurve(
  model: TrainableModel,
  ds: Dataset,
  indices: ArrayLike<number>,
  options: { sigmas: number[]; clip: boolean; seed: number; batchSize?: number; onSigma?(sigma: number, i: number): void },
): RobustnessPoint[] {
  return options.sigmas.map((sigma, i) => {
    options.onSigma?.(sigma, i);
    const p = predict(model, ds, indices, options.batchSize, (pixels, batch) =>
      addGaussianNoise(pixels, sigma, deriveSeed(options.seed, `noise-${batch}`), options.clip),
    );
    return { sigma, accuracy: predictionAccuracy(p) };
  });
}
