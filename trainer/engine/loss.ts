/**
 * Softmax cross-entropy, fused and numerically stable.
 * Forward: log p = z − logsumexp(z) (max-shifted inside tf.logSumExp), loss = −mean_i log p[i, y_i].
 * Backward: ∂loss/∂z = (softmax(z) − onehot(y)) / d — the fused form never divides by a probability.
 * d is the reduction's divisor: the batch's row count for the mean (the default), 1 for the sum.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossReduction } from '../config/schema';

/**
 * What the summed cross-entropy of a mini-batch of `batchRows` rows is divided by to give the objective's
 * data term: the row count ('mean'), or 1 ('sum', whose gradients are batchRows times the mean's).
 */
export function lossDivisor(reduction: LossReduction, batchRows: number): number {
  return reduction === 'sum' ? 1 : batchRows;
}

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
 * ∂(Σ CE / divisor)/∂logits = (softmax(logits) − targets) / divisor. The default divisor is the row
 * count (mean CE). For a shard of a larger batch (data-parallel training) the caller passes the whole
 * batch's divisor (lossDivisor), so the shards' gradients add up to the batch's.
 */
export function softmaxCrossEntropyGrad(logits: tf.Tensor2D, targets: tf.Tensor2D, divisor = logits.shape[0]): tf.Tensor2D {
  return tf.tidy(() => {
    const d = tf.sub(tf.softmax(logits), targets); // [n, classes]
    return (divisor === 1 ? d : tf.div(d, divisor)) as tf.Tensor2D;
  });
}

/** Number of rows whose arg-max logit is the label (given as [n] int32 labels, or [n, c] one-hot). */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits, 1), labels.rank === 2 ? tf.argMax(labels, 1) : labels).toInt()));
}
