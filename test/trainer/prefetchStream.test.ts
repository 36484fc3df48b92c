// The batch-preparation worker gives exactly the batches the in-thread stream gives, plus xᵀ.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BatchStream } from '../../trainer/data/batches';
import { PrefetchingBatchStream } from '../../trainer/data/prefetchStream';
import { syntheticDataset } from '../../trainer/bench/throughput';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('prefetching batch stream', () => {
  it('matches the in-thread stream batch for batch over two reshuffled epochs, with xT = xᵀ', async () => {
    const ds = syntheticDataset(300, 47, 9);
    expect(ds.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    const indices = Uint32Array.from({ length: 250 }, (_, i) => (i * 7) % 300);
    const reference = new BatchStream(ds, indices, 64, { shuffleSeed: 5 });
    const prefetched = new PrefetchingBatchStream(ds, indices, 64, { shuffleSeed: 5, withTransposed: true });
    try {
      for (let epoch = 0; epoch < 2; epoch++) {
        const expected = [...reference.epoch()];
        let b = 0;
        for await (const batch of prefetched.epoch()) {
          const want = expected[b++];
          expect(Array.from(batch.labels)).toEqual(Array.from(want.labels));
          expect(Array.from(batch.x.dataSync())).toEqual(Array.from(want.x.dataSync()));
          expect(batch.xT!.shape).toEqual([784, want.size]);
          expect(Array.from(batch.xT!.dataSync())).toEqual(Array.from(tf.transpose(want.x).dataSync()));
          tf.dispose([batch.x, batch.xT!, want.x]);
        }
        expect(b).toBe(4); // 64 + 64 + 64 + 58
      }
    } finally {
      await prefetched.close();
    }
  });

  it('an epoch abandoned midway (cancel) does not leak its batches into the next', async () => {
    const ds = syntheticDataset(256, 47, 3);
    const all = Uint32Array.from({ length: 256 }, (_, i) => i);
    const reference = new BatchStream(ds, all, 32, { shuffleSeed: 1 });
    const prefetched = new PrefetchingBatchStream(ds, all, 32, { shuffleSeed: 1 });
    try {
      [...reference.epoch()].forEach((b) => b.x.dispose());
      for await (const batch of prefetched.epoch()) {
        batch.x.dispose();
        break;
      }
      const secondEpoch = [...reference.epoch()];
      let b = 0;
      for await (const batch of prefetched.epoch()) {
        expect(Array.from(batch.labels)).toEqual(Array.from(secondEpoch[b++].labels));
        batch.x.dispose();
      }
      expect(b).toBe(8);
    } finally {
      await prefetched.close();
    }
  });
});
