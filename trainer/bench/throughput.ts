/**
 * Training-step throughput of an engine on the active backend: samples/s over timed steps after a
 * warm-up, on deterministic synthetic batches (data loading excluded; it is measured separately).
 */
import * as tf from '@tensorflow/tfjs';
import { withOverrides, type RunConfig } from '../config/schema';
import { createModel } from '../engine/factory';
import { mulberry32 } from '../util/rng';

export interface ThroughputFigure {
  network: string;
  engine: string;
  samplesPerSecond: number;
  msPerStep: number;
  steps: number;
}

export function measureThroughput(base: RunConfig, hidden: number[], options: { seconds?: number; batchSize?: number; overrides?: Partial<RunConfig> } = {}): ThroughputFigure {
  const batchSize = options.batchSize ?? 512;
  const config = withOverrides(base, { hidden, batchSize, ...options.overrides });
  const model = createModel(config, 784, 47);
  const rng = mulberry32(1);
  const pixels = Float32Array.from({ length: batchSize * 784 }, () => (rng() < 0.8 ? 0 : rng()));
  const labels = Int32Array.from({ length: batchSize }, () => Math.floor(rng() * 47));
  const step = () => {
    const x = tf.tensor2d(pixels, [batchSize, 784]);
    model.trainStep(x, labels, config.lr);
    x.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  const budget = (options.seconds ?? 6) * 1000;
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < budget || steps < 5) {
    step();
    steps++;
  }
  const ms = (performance.now() - t0) / steps;
  model.dispose();
  return { network: [784, ...hidden, 47].join('-'), engine: config.engine, samplesPerSecond: (batchSize * 1000) / ms, msPerStep: ms, steps };
}
