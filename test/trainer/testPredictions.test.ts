// The compact form of per-image test predictions (trainer/eval/testPredictions.ts): an exact round trip,
// its size (25 bytes an image for up to 256 classes), wide class indices past 256 classes, and refusals.
import { describe, expect, it } from 'vitest';
import { decodeTestPredictions, encodedSize, encodeTestPredictions, predictionsConfusion, type TestSamples } from '../../trainer/eval/testPredictions';
import { mulberry32 } from '../../trainer/util/rng';

function samples(n: number, classes: number, seed: number): TestSamples {
  const rng = mulberry32(seed);
  const cls = () => Math.floor(rng() * classes);
  return {
    indices: Uint32Array.from({ length: n }, () => Math.floor(rng() * 800_000)),
    truth: Int32Array.from({ length: n }, cls),
    predicted: Int32Array.from({ length: n }, cls),
    trueProbability: Float32Array.from({ length: n }, rng),
    top3: Int32Array.from({ length: 3 * n }, cls),
    top3Probability: Float32Array.from({ length: 3 * n }, rng),
  };
}

describe('test predictions codec', () => {
  it.each([[47, 25], [300, 30]])('round-trips %i classes exactly, %i bytes an image', (classes, perImage) => {
    const s = samples(1001, classes, classes);
    const bytes = encodeTestPredictions(s, classes);
    expect(bytes.length).toBe(16 + perImage * 1001);
    expect(encodedSize(1001, classes)).toBe(bytes.length);
    // Decoding from an odd offset inside a larger buffer (as pg hands out Buffers) works too.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const back = decodeTestPredictions(padded.subarray(3));
    expect(back.classes).toBe(classes);
    for (const key of ['indices', 'truth', 'predicted', 'trueProbability', 'top3', 'top3Probability'] as const) expect(Array.from(back[key])).toEqual(Array.from(s[key]));
  });

  it('gives the confusion matrix of its predictions', () => {
    const s = { ...samples(4, 3, 1), truth: Int32Array.from([0, 0, 2, 1]), predicted: Int32Array.from([0, 2, 2, 0]) };
    expect(predictionsConfusion(decodeTestPredictions(encodeTestPredictions(s, 3)), 3)).toEqual([[1, 0, 1], [1, 0, 0], [0, 0, 1]]);
  });

  it('refuses bytes that are not encoded predictions, or are cut short', () => {
    expect(() => decodeTestPredictions(new Uint8Array(40))).toThrow(/not an encoded set of test predictions/);
    const bytes = encodeTestPredictions(samples(10, 47, 3), 47);
    expect(() => decodeTestPredictions(bytes.subarray(0, bytes.length - 1))).toThrow(/should take 266 bytes, found 265/);
  });
});
