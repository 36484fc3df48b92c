/**
 * Inverted dropout as a tf.layers layer whose masks come from the run's seed.
 * Why not tf.layers.dropout: without a seed it draws from Math.random (runs are not reproducible), and
 * with one it redraws the *same* mask on every call. Here draw k of layer `seed` uses the derived seed
 * (seed, k), so every step gets a fresh mask and a run repeats exactly. In training each unit is zeroed
 * with probability `rate` and survivors are scaled by 1/(1 − rate); in inference it is the identity.
 *
 * Data-parallel replicas (trainer/parallel/) each see a shard of the batch. A mask is a stream of
 * uniforms drawn row after row for the whole batch, so a shard starting at row r draws the stream's first
 * (r + rows)·units values and keeps its own rows: exactly the mask rows the single-thread step applies.
 * Every replica draws once per step, so `draws` stays equal across replicas.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/rng';

export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  /** Masks drawn so far; a checkpoint saves it so a resumed run draws the masks it would have. */
  draws = 0;
  /** Set for one data-parallel step: this replica's rows start at `rowStart` of the batch. */
  window: { rowStart: number } | null = null;

  constructor(
    readonly rate: number,
    private readonly seed: number,
  ) {
    super({});
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    const stepSeed = deriveSeed(this.seed, `dropout-${this.draws++}`);
    if (!this.window) return tf.dropout(x, this.rate, undefined, stepSeed); // [n, units]: x·mask/(1 − rate)
    const [rows, units] = x.shape as [number, number];
    const { rowStart } = this.window;
    return tf.tidy(() => {
      // tf.dropout's own arithmetic (tfjs-core ops/dropout.ts), on this shard's rows of the batch's uniforms.
      const uniforms = tf.slice(tf.randomUniform([rowStart + rows, units], 0, 1, 'float32', stepSeed), [rowStart, 0], [rows, units]);
      const keepProb = 1 - this.rate;
      return tf.mul(x, tf.div(tf.floor(tf.add(uniforms, keepProb)), keepProb));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
