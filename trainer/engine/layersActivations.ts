/**
 * Hidden-unit activations of the layers engine, and their formulas.
 * tfjs-layers 4.x already ships the two modern ones, so we use its activations rather than re-implementing
 * them; the formulas here are the reference the tests compare them against (value and derivative):
 *  - relu(x) = max(0, x)
 *  - gelu(x) = x·Φ(x) = x/2·(1 + erf(x/√2))   (the exact GELU, PyTorch's nn.GELU() default; tfjs 'gelu')
 *  - silu(x) = x·σ(x) = x/(1 + e^−x)           (SiLU = swish with β = 1, PyTorch's nn.SiLU; tfjs 'swish')
 */
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../config/schema';

export type ActivationName = RunConfig['activation'];

/** The tfjs-layers identifier implementing each of our activations. */
export const TFJS_ACTIVATION: Record<ActivationName, 'relu' | 'gelu' | 'swish'> = {
  relu: 'relu',
  gelu: 'gelu',
  silu: 'swish',
};

/** A standalone activation layer (used after BatchNorm, where it cannot be fused into Dense). */
export function activationLayer(name: ActivationName): tf.layers.Layer {
  return tf.layers.activation({ activation: TFJS_ACTIVATION[name] });
}

/** erf by its Maclaurin series in double precision (|x| ≤ 6; beyond, erf is ±1 to double precision). */
export function erf(x: number): number {
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n; // (−1)^n x^(2n+1) / n!
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const normalPdf = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

/** Reference value f(x) and derivative f′(x) of each activation, in double precision. */
export const ACTIVATION_FORMULAS: Record<ActivationName, { f(x: number): number; df(x: number): number }> = {
  relu: { f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0) },
  gelu: {
    f: (x) => (x / 2) * (1 + erf(x / Math.SQRT2)),
    df: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + x * normalPdf(x), // Φ(x) + x·φ(x)
  },
  silu: {
    f: (x) => x * sigmoid(x),
    df: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))), // σ(x)·(1 + x·(1 − σ(x)))
  },
};
