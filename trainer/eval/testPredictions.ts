/**
 * Per-image test predictions, as the clean test pass gives them, and their compact binary form (what the
 * run service stores, one value per run: ~25 bytes an image, 581 KB for EMNIST's 23,258-image test split).
 *
 * Layout (little-endian), version 1:
 *   header 16 bytes: "EMTP", u16 version, u8 class width (1 or 2 bytes), u8 0, u32 count, u32 classes
 *   u32  indices[n]          pool index of each test image (into the pooled dataset, see Dataset.sources)
 *   f32  trueProbability[n]  p(true class)
 *   f32  top3Probability[3n] the three largest probabilities, largest first
 *   cls  truth[n], predicted[n], top3[3n]   class indices (u8, or u16 past 256 classes)
 * Column after column, widest first, so every array is aligned in the buffer it is decoded from.
 */
import { confusionMatrix } from './metrics';

/** Per test image, from the clean test pass (split.test order). */
export interface TestSamples {
  /** Pool indices of the test images. */
  indices: Uint32Array;
  truth: Int32Array;
  predicted: Int32Array;
  /** p(true class). */
  trueProbability: Float32Array;
  /** [n·3] the three most probable classes, most probable first, and [n·3] their probabilities. */
  top3: Int32Array;
  top3Probability: Float32Array;
}

const MAGIC = 0x50544d45; // "EMTP" read as a little-endian u32
const VERSION = 1;
const HEADER = 16;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes of the encoded form for `count` images of `classes` classes. */
export function encodedSize(count: number, classes: number): number {
  return HEADER + count * (4 + 4 + 12) + count * 5 * (classes > 256 ? 2 : 1);
}

export function encodeTestPredictions(s: TestSamples, classes: number): Uint8Array {
  if (!littleEndian) throw new Error('test predictions are stored little-endian; this host is big-endian');
  const n = s.indices.length;
  const wide = classes > 256;
  const bytes = new Uint8Array(encodedSize(n, classes));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, VERSION, true);
  view.setUint8(6, wide ? 2 : 1);
  view.setUint32(8, n, true);
  view.setUint32(12, classes, true);
  let at = HEADER;
  const put = (array: ArrayBufferView & { byteLength: number }) => {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  };
  put(Uint32Array.from(s.indices));
  put(Float32Array.from(s.trueProbability));
  put(Float32Array.from(s.top3Probability));
  const Cls = wide ? Uint16Array : Uint8Array;
  put(Cls.from(s.truth));
  put(Cls.from(s.predicted));
  put(Cls.from(s.top3));
  return bytes;
}

export interface DecodedPredictions extends TestSamples {
  classes: number;
}

/** The inverse of encodeTestPredictions; throws on anything else. */
export function decodeTestPredictions(input: Uint8Array): DecodedPredictions {
  if (!littleEndian) throw new Error('test predictions are stored little-endian; this host is big-endian');
  // A copy, so every column is aligned whatever the offset of the input (pg hands out pooled Buffers).
  const bytes = input.slice();
  const view = new DataView(bytes.buffer);
  if (bytes.length < HEADER || view.getUint32(0, true) !== MAGIC) throw new Error('not an encoded set of test predictions');
  if (view.getUint16(4, true) !== VERSION) throw new Error(`test predictions of format version ${view.getUint16(4, true)}, expected ${VERSION}`);
  const width = view.getUint8(6);
  const n = view.getUint32(8, true);
  const classes = view.getUint32(12, true);
  if (bytes.length !== HEADER + n * 20 + n * 5 * width) throw new Error(`test predictions of ${n} images should take ${HEADER + n * 20 + n * 5 * width} bytes, found ${bytes.length}`);
  let at = HEADER;
  const take = <T>(Kind: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }, length: number): T => {
    const array = new Kind(bytes.buffer, at, length);
    at += length * Kind.BYTES_PER_ELEMENT;
    return array;
  };
  const indices = take(Uint32Array, n);
  const trueProbability = take(Float32Array, n);
  const top3Probability = take(Float32Array, 3 * n);
  const classColumn = (length: number): Int32Array => Int32Array.from(width === 2 ? take(Uint16Array, length) : take(Uint8Array, length));
  const truth = classColumn(n);
  const predicted = classColumn(n);
  const top3 = classColumn(3 * n);
  return { indices, truth, predicted, trueProbability, top3, top3Probability, classes };
}

/** confusion[true][predicted] of the stored predictions (equals the run's test confusion matrix). */
export function predictionsConfusion(s: TestSamples, classes: number): number[][] {
  return confusionMatrix(s.truth, s.predicted, classes);
}
