/**
 * Robustness to Gaussian noise: test accuracy after adding N(0, σ²) to every [0,1] pixel, for each σ.
 * The noise is seeded per inference block and shared across σ (the same standard-normal draw scaled by
 * σ), so the curve compares levels, not noise samples. Pixels are not clipped unless `clip` is set, in
 * which case noisy values are clamped back to [0,1]. σ = 0 is the clean pass: its accuracy is the test
 * accuracy, computed once.
 */
import type { Dataset } from '../data/dataset';
import type { TrainableModel } from '../engine/model';
import type { RobustnessPoint } from '../result';
import { inferAll, type InferenceOutputs, type InferenceRequest } from './inference';
import { predictionAccuracy, predictionsOf } from './evaluate';

export { addGaussianNoise } from './noise';

export interface RobustnessOptions {
  sigmas: number[];
  clip: boolean;
  seed: number;
}

/** The noisy passes the curve needs (σ > 0); null when every σ is 0. */
export function noisePass(options: RobustnessOptions): InferenceRequest | null {
  const sigmas = options.sigmas.filter((s) => s > 0);
  return sigmas.length ? { clean: false, perSample: false, noise: { sigmas, seed: options.seed, clip: options.clip } } : null;
}

/** The curve in the order of options.sigmas, from the clean accuracy and the noisy pass's counts. */
export function robustnessPoints(options: RobustnessOptions, cleanAccuracy: number, noisy: InferenceOutputs | null): RobustnessPoint[] {
  const noiseSigmas = noisy ? options.sigmas.filter((s) => s > 0) : [];
  return options.sigmas.map((sigma) => {
    if (sigma === 0 || !noisy) return { sigma, accuracy: cleanAccuracy };
    const s = noiseSigmas.indexOf(sigma);
    let correct = 0;
    for (let b = 0; b < noisy.blocks; b++) correct += noisy.noisyCorrect[b * noiseSigmas.length + s];
    return { sigma, accuracy: noisy.count ? correct / noisy.count : 0 };
  });
}

/** The whole curve on this thread. */
export function robustnessCurve(model: TrainableModel, ds: Dataset, indices: ArrayLike<number>, options: RobustnessOptions): RobustnessPoint[] {
  const clean = options.sigmas.includes(0) ? predictionAccuracy(predictionsOf(inferAll(model, ds, indices, { clean: true, perSample: false, noise: null }))) : 0;
  const pass = noisePass(options);
  return robustnessPoints(options, clean, pass ? inferAll(model, ds, indices, pass) : null);
}
