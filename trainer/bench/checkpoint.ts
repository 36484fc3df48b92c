/**
 * A checkpoint shaped like the ones a worker stores mid-run for a preset's full-size network (784
 * inputs, 47 classes): weights, optimiser state after a step, early-stopping best weights, and a
 * history of `epochs` epochs. For measuring what checkpointing costs (`npm run bench:api`, section 3).
 */
import * as tf from '@tensorflow/tfjs';
import { findPreset } from '../config/presets';
import { withOverrides } from '../config/schema';
import { createModel } from '../engine/factory';
import type { TrainingCheckpoint } from '../train/checkpoint';
import { mulberry32 } from '../util/rng';

export function studySizedCheckpoint(preset: string, epochs = 20): { checkpoint: TrainingCheckpoint; parameters: number } {
  const config = withOverrides(findPreset(preset).config, { batchSize: 64 });
  const model = createModel(config, 784, 47);
  try {
    const rng = mulberry32(1);
    const x = tf.tensor2d(Float32Array.from({ length: 64 * 784 }, () => rng()), [64, 784]);
    const xT = model.usesTransposedInput ? x.transpose() as tf.Tensor2D : undefined;
    model.trainStep(x, Int32Array.from({ length: 64 }, (_, i) => i % 47), config.lr, xT);
    tf.dispose([x, xT]);
    const history = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, lr: config.lr, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 15, samplesPerSecond: 5000 }));
    const weights = model.snapshot();
    return {
      parameters: model.parameterCount,
      checkpoint: { fingerprint: 'bench', history, stoppedEarly: false, trainSeconds: 300, weights, training: model.trainingState(), earlyStopping: { bestLoss: 1, bestEpoch: epochs, sinceBest: 0 }, best: weights },
    };
  } finally {
    model.dispose();
  }
}
