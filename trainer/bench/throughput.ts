/**
 * Training-step throughput of an engine on the active backend, through the real data path: a seeded
 * synthetic uint8 pool in shared memory, batches prepared by the prefetching stream, one trainStep per
 * batch. Samples/s over timed steps after a warm-up (validation and file loading excluded; they are
 * measured separately).
 */
import { withOverrides, type RunConfig } from '../config/schema';
import { createModel } from '../engine/factory';
import { PrefetchingBatchStream } from '../data/prefetchStream';
import type { Dataset } from '../data/dataset';
import { mulberry32 } from '../util/rng';

export interface ThroughputFigure {
  network: string;
  engine: string;
  samplesPerSecond: number;
  msPerStep: number;
  steps: number;
}

/** EMNIST-like synthetic images (mostly background, some ink) in shared memory. */
export function syntheticDataset(count: number, classes = 47, seed = 1): Dataset {
  const rng = mulberry32(seed);
  const images = new Uint8Array(new SharedArrayBuffer(count * 784));
  for (let i = 0; i < images.length; i++) images[i] = rng() < 0.8 ? 0 : Math.floor(rng() * 256);
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  for (let i = 0; i < count; i++) labels[i] = i % classes;
  return { name: 'synthetic', images, labels, count, rows: 28, cols: 28, classNames: Array.from({ length: classes }, (_, i) => String(i)), transposed: false, sources: [{ file: 'synthetic', role: 'train', start: 0, count }] };
}

export async function measureThroughput(base: RunConfig, hidden: number[], options: { seconds?: number; batchSize?: number; overrides?: Partial<RunConfig> } = {}): Promise<ThroughputFigure> {
  const batchSize = options.batchSize ?? 512;
  const config = withOverrides(base, { hidden, batchSize, ...options.overrides });
  const ds = syntheticDataset(batchSize * 40);
  const model = createModel(config, 784, 47);
  const stream = new PrefetchingBatchStream(ds, Uint32Array.from({ length: ds.count }, (_, i) => i), batchSize, { shuffleSeed: 1, withTransposed: model.usesTransposedInput });
  const budget = (options.seconds ?? 6) * 1000;
  let steps = 0;
  let t0 = 0;
  try {
    for (let epoch = 0; t0 === 0 || performance.now() - t0 < budget || steps < 5; epoch++) {
      for await (const { x, xT, labels } of stream.epoch()) {
        model.trainStep(x, labels, config.lr, xT);
        x.dispose();
        xT?.dispose();
        if (epoch === 0 && t0 === 0) {
          t0 = performance.now(); // the first step warms up kernels and the worker
          continue;
        }
        steps++;
      }
    }
  } finally {
    await stream.close();
    model.dispose();
  }
  const ms = (performance.now() - t0) / steps;
  return { network: [784, ...hidden, 47].join('-'), engine: config.engine, samplesPerSecond: (batchSize * 1000) / ms, msPerStep: ms, steps };
}
