/**
 * Softmax cross-entropy, fused and numerically stable.
 * Forward: log p = z − logsumexp(z) (max-shifted inside tf.logSumExp), loss = −mean_i log p[i, y_i].
 * Backward: ∂loss/∂z = (softmax(z) − onehot(y)) / n — the fused form never divides by a probability.
 */
import * as tf from '@tensorflow/tfjs';

export function oneHot(labels: Int32Array | tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(labels instanceof Int32Array ? tf.tensor1d(labels, 'int32') : labels, classes).toFloat() as tf.Tensor2D);
}

/** Mean cross-entropy of logits [n, c] against one-hot targets [n, c]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbs), 1))) as tf.Scalar;
  });
}

/**
 * ∂(mean CE)/∂logits = (softmax(logits) − targets) / n. For a shard of a larger batch (data-parallel
 * training) n is the whole batch's row count, so the shards' gradients add up to the batch's.
 */
export function softmaxCrossEntropyGrad(logits: tf.Tensor2D, targets: tf.Tensor2D, batchRows = logits.shape[0]): tf.Tensor2D {
  return tf.tidy(() => tf.div(tf.sub(tf.softmax(logits), targets), batchRows) as tf.Tensor2D);
}

/** Number of rows whose arg-max logit is the label (given as [n] int32 labels, or [n, c] one-hot). */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits, 1), labels.rank === 2 ? tf.argMax(labels, 1) : labels).toInt()));
}
