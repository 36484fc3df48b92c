/**
 * The run page's confusion matrices as a timeline: the validation matrix after each epoch, then the
 * final test matrix. For whichever frame is shown, its per-class F1 and most confused pairs; and the
 * counts of the most confused pairs over the epochs (the small chart under the scrubber). Pure.
 */
import { macroF1, perClassScores } from '../../../../trainer/eval/metrics';
import { topConfusedPairs, type ConfusedPair } from '../../../../trainer/eval/confusedPairs';
import type { ClassScore } from '../../../../trainer/result';

export interface Frame {
  /** 'epoch-3' or 'test'. */
  key: string;
  kind: 'epoch' | 'test';
  epoch: number | null;
  /** "epoch 3 (validation)", "test set (final)". */
  label: string;
  matrix: number[][];
  /** Images the matrix counts. */
  total: number;
}

export interface EpochConfusion {
  epoch: number;
  valConfusion: number[][] | null | undefined;
}

const sum = (m: number[][]) => m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);

/** Epochs with a recorded matrix, in order, then the test matrix when there is one. */
export function confusionFrames(epochs: readonly EpochConfusion[], test: number[][] | null | undefined): Frame[] {
  const frames: Frame[] = [...epochs]
    .filter((e): e is EpochConfusion & { valConfusion: number[][] } => !!e.valConfusion?.length)
    .sort((a, b) => a.epoch - b.epoch)
    .map((e) => ({ key: `epoch-${e.epoch}`, kind: 'epoch', epoch: e.epoch, label: `epoch ${e.epoch} (validation)`, matrix: e.valConfusion, total: sum(e.valConfusion) }));
  if (test?.length) frames.push({ key: 'test', kind: 'test', epoch: null, label: 'test set (final)', matrix: test, total: sum(test) });
  return frames;
}

/** Per-class precision, recall, F1 and the macro F1 of one matrix. */
export function frameScores(matrix: number[][], names: string[]): { perClass: ClassScore[]; macroF1: number } {
  const perClass = perClassScores(matrix, names);
  return { perClass, macroF1: macroF1(perClass) };
}

export interface PairSeries {
  name: string;
  pair: ConfusedPair;
  points: { x: number; y: number }[];
}

/**
 * The `k` most confused pairs of the latest epoch, each with its count after every epoch: when a
 * confusion appeared and whether training is curing it.
 */
export function pairsOverEpochs(frames: readonly Frame[], names: string[], k = 4): PairSeries[] {
  const epochs = frames.filter((f) => f.kind === 'epoch');
  const last = epochs.at(-1);
  if (!last) return [];
  return topConfusedPairs(last.matrix, names, k).map((pair) => ({
    name: `${pair.trueName}→${pair.predName}`,
    pair,
    points: epochs.map((f) => ({ x: f.epoch!, y: f.matrix[pair.trueIndex]?.[pair.predIndex] ?? 0 })),
  }));
}

/** The frame to show after the frames changed: the same one if it still exists; the newest if following. */
export function nextFrameIndex(frames: readonly Frame[], previousKey: string | null, following: boolean): number {
  if (!frames.length) return 0;
  if (following || previousKey === null) return frames.length - 1;
  const at = frames.findIndex((f) => f.key === previousKey);
  return at >= 0 ? at : frames.length - 1;
}
