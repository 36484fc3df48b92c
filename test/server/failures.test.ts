/**
 * Which failures are retried (server/worker/failures.ts): a diverged loss, an invalid config or data
 * file, a missing dataset and a split too small would fail every attempt the same way, so they end the
 * run at once; anything else fails only the attempt.
 */
import { describe, expect, it } from 'vitest';
import { DeterministicFailure, isDeterministic } from '../../server/worker/failures';
import { ConfigError } from '../../trainer/config/schema';
import { DatasetError } from '../../trainer/data/errors';

describe('deterministic failures', () => {
  it.each([
    ['a diverged loss', new Error('training diverged: loss is NaN at epoch 2, batch 17; lower the learning rate')],
    ['an invalid config', new ConfigError([{ field: 'lr', message: 'must be greater than 0' }])],
    ['a corrupt data file', new DatasetError('x.idx', 'wrong magic number')],
    ['a dataset that is not on this machine (marked where it is loaded)', new DeterministicFailure(new Error('EMNIST ByMerge is not on this machine'))],
    ['a split too small', new Error('dataset tiny (10 images) is too small for this split: train 7, val 0, test 3')],
  ])('%s is not retried', (_what, err) => {
    expect(isDeterministic(err)).toBe(true);
  });

  it.each([
    ['out of memory', new RangeError('Array buffer allocation failed')],
    ['a lost accelerator', new Error('CUDA error: an illegal memory access was encountered')],
    ['anything unknown', 'a thrown string'],
  ])('%s fails only the attempt', (_what, err) => {
    expect(isDeterministic(err)).toBe(false);
  });
});
