/**
 * Synchronised BatchNorm for data-parallel replicas: in training, every replica normalises its shard
 * with the statistics of the *whole* mini-batch, exactly as the single-thread step does, and back-
 * propagates through those statistics with the whole batch's sums.
 *
 * Forward, for a shard x [rows, f] of a batch of n rows (n = collective.batchRows):
 *   μ  = Σ_all x / n                      (shards' column sums, added across replicas)
 *   σ² = Σ_all (x − μ)² / n               (two passes, like tf.moments: the biased batch variance)
 *   y  = γ·(x − μ)/√(σ² + ε) + β          (tf.batchNorm)
 * and the running statistics move by PyTorch's momentum exactly as tfjs-layers moves them, with the
 * same μ and σ² in every replica, so the replicas' running statistics stay identical.
 * Backward (x̂ = (x − μ)·r, r = 1/√(σ² + ε)):
 *   ∂β = Σ_shard dy,  ∂γ = Σ_shard dy·x̂    (partials; the gradient exchange adds them across replicas)
 *   ∂x = γ·r·(dy − Σ_all dy / n − x̂·Σ_all dy·x̂ / n)
 * which is autograd's gradient through tf.moments + tf.batchNorm, in closed form. Each collective sum is
 * a barrier in shared memory; all replicas call them in the same order (same network, same pass).
 */
import * as tf from '@tensorflow/tfjs';
import type { Collective } from './model';

interface BatchNormInternals {
  gamma: { read(): tf.Tensor };
  beta: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor; write(t: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(t: tf.Tensor): void };
  momentum: number;
  epsilon: number;
}

/** Column statistics of the whole batch: μ and σ² [f] as float32 tensors. */
function batchStatistics(x: tf.Tensor2D, collective: Collective): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const n = collective.batchRows;
  const sums = collective.sum(tf.tidy(() => tf.sum(x, 0)).dataSync() as Float32Array);
  const mean = tf.tensor1d(Float32Array.from(sums, (s) => s / n));
  const squares = collective.sum(tf.tidy(() => tf.sum(tf.square(tf.sub(x, mean)), 0)).dataSync() as Float32Array);
  const variance = tf.tensor1d(Float32Array.from(squares, (s) => s / n));
  return { mean, variance };
}

/** y = BN(x) with whole-batch statistics and the closed-form whole-batch gradient. */
function normalize(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, mean: tf.Tensor1D, variance: tf.Tensor1D, epsilon: number, collective: Collective): tf.Tensor2D {
  const f = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const value = tf.batchNorm(xIn as tf.Tensor2D, mean, variance, betaIn as tf.Tensor1D, gammaIn as tf.Tensor1D, epsilon);
    // Kept by the tape until backprop (the layer's tidy would dispose the originals before it).
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, gammaIn as tf.Tensor, mean, variance]);
    const gradFunc = (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, g, mean, variance] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      const dy = dyIn as tf.Tensor2D; // [rows, f]
      const features = xs.shape[1];
      const r = tf.rsqrt(tf.add(variance, epsilon)); // [f]
      const xHat = tf.mul(tf.sub(xs, mean), r); // [rows, f]
      const dBeta = tf.sum(dy, 0); // [f], this shard's part
      const dGamma = tf.sum(tf.mul(dy, xHat), 0); // [f], this shard's part
      const partial = new Float32Array(2 * features);
      partial.set(dBeta.dataSync() as Float32Array, 0);
      partial.set(dGamma.dataSync() as Float32Array, features);
      const totals = collective.sum(partial);
      const n = collective.batchRows;
      const meanDy = tf.tensor1d(Float32Array.from(totals.subarray(0, features), (s) => s / n));
      const meanDyXHat = tf.tensor1d(Float32Array.from(totals.subarray(features), (s) => s / n));
      const dx = tf.mul(tf.mul(g, r), tf.sub(tf.sub(dy, meanDy), tf.mul(xHat, meanDyXHat)));
      return [dx, dGamma, dBeta];
    };
    return { value, gradFunc };
  });
  return f(x, gamma, beta) as tf.Tensor2D;
}

/** A synchronised layer's part in a step where its replica has no rows (the last batch smaller than the replica count). */
export interface SynchronizedBatchNorm {
  /** The forward pass's two collectives with zero partials, and the same running update as the others. */
  idleForward(): void;
  /** The backward pass's collective with zero partials. */
  idleBackward(): void;
}

/** tfjs-layers' running update (normalization.ts doMovingAverage): v ← v − (v − value)·(1 − momentum). */
function updateRunning(bn: BatchNormInternals, mean: tf.Tensor1D, variance: tf.Tensor1D): void {
  for (const [running, value] of [[bn.movingMean, mean], [bn.movingVariance, variance]] as const) {
    tf.tidy(() => {
      const current = running.read();
      running.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - bn.momentum)));
    });
  }
}

/**
 * Replaces a tfjs BatchNormalization layer's training behaviour by the synchronised one (inference,
 * with the running statistics, is untouched). Applied only to replicas, never to a single-thread model.
 */
export function synchronizeBatchNorm(layer: tf.layers.Layer, collective: Collective): SynchronizedBatchNorm {
  const inference = layer.call.bind(layer);
  const bn = layer as unknown as BatchNormInternals;
  const features = () => bn.gamma.read().shape[0];
  layer.call = (inputs, kwargs) => {
    if (!kwargs.training) return inference(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [rows, f]
      const { mean, variance } = batchStatistics(x, collective);
      const y = normalize(x, bn.gamma.read(), bn.beta.read(), mean, variance, bn.epsilon, collective);
      updateRunning(bn, mean, variance);
      return y;
    });
  };
  return {
    idleForward: () =>
      tf.tidy(() => {
        const n = collective.batchRows;
        const zeros = new Float32Array(features());
        const mean = tf.tensor1d(Float32Array.from(collective.sum(zeros), (s) => s / n));
        const variance = tf.tensor1d(Float32Array.from(collective.sum(zeros), (s) => s / n));
        updateRunning(bn, mean, variance);
      }),
    idleBackward: () => void collective.sum(new Float32Array(2 * features())),
  };
}
