/**
 * The pure parts of the dashboard's error analysis: the run page's confusion timeline (validation
 * matrix per epoch, then the test matrix; per-class F1 of a frame; the top pairs' counts over the
 * epochs; which frame to show as frames arrive), the gallery's selections, and the drawing pad's
 * stroke rasterizer, checked against hand-computed pixels.
 */
import { describe, expect, it } from 'vitest';
import { confusionFrames, frameScores, nextFrameIndex, pairsOverEpochs } from '../../app/runs/[id]/_lib/confusionTimeline';
import { selectedCell, selectionTitle, selectionVariables } from '../../app/runs/[id]/_lib/gallerySelection';
import { rasterizeStrokes } from '../../app/playground/_lib/strokes';

const names = ['a', 'b', 'c'];
const m = (rows: number[][]) => rows;

describe('confusion timeline', () => {
  const epochs = [
    { epoch: 2, valConfusion: m([[5, 3, 0], [1, 6, 1], [0, 0, 8]]) },
    { epoch: 1, valConfusion: m([[4, 4, 0], [3, 4, 1], [0, 2, 6]]) },
    { epoch: 3, valConfusion: null }, // recorded before matrices were kept
  ];
  const test = m([[10, 2, 0], [1, 12, 1], [0, 1, 15]]);

  it('orders the epochs with a matrix, then the test set', () => {
    const frames = confusionFrames(epochs, test);
    expect(frames.map((f) => [f.key, f.label, f.total])).toEqual([['epoch-1', 'epoch 1 (validation)', 24], ['epoch-2', 'epoch 2 (validation)', 24], ['test', 'test set (final)', 42]]);
    expect(confusionFrames([], null)).toEqual([]);
  });

  it('gives a frame\'s per-class F1: class a in epoch 2 has precision 5/6, recall 5/8', () => {
    const { perClass, macroF1 } = frameScores(epochs[0].valConfusion!, names);
    const f1a = (2 * (5 / 6) * (5 / 8)) / (5 / 6 + 5 / 8);
    expect(perClass[0].f1).toBeCloseTo(f1a, 12);
    expect(macroF1).toBeCloseTo(perClass.reduce((s, c) => s + c.f1, 0) / 3, 12);
  });

  it('traces the last epoch\'s top pairs back over every epoch', () => {
    const series = pairsOverEpochs(confusionFrames(epochs, test), names, 2);
    // Epoch 2's largest off-diagonal cells: a→b (3), then b→a (1; ties by true class).
    expect(series.map((s) => [s.name, s.points])).toEqual([
      ['a→b', [{ x: 1, y: 4 }, { x: 2, y: 3 }]],
      ['b→a', [{ x: 1, y: 3 }, { x: 2, y: 1 }]],
    ]);
  });

  it('follows the newest frame unless one was chosen, which it keeps while it exists', () => {
    const frames = confusionFrames(epochs, test);
    expect(nextFrameIndex(frames, 'epoch-1', true)).toBe(2);
    expect(nextFrameIndex(frames, 'epoch-1', false)).toBe(0);
    expect(nextFrameIndex(frames, 'epoch-9', false)).toBe(2);
    expect(nextFrameIndex([], null, true)).toBe(0);
  });
});

describe('gallery selections', () => {
  it('become query variables and words', () => {
    expect(selectionVariables({ kind: 'cell', trueClass: 2, predictedClass: 0 })).toEqual({ trueClass: 2, predictedClass: 0 });
    expect(selectionVariables({ kind: 'class', trueClass: 1 })).toEqual({ trueClass: 1 });
    expect(selectionVariables({ kind: 'wrong' })).toEqual({ correct: false });
    expect(selectionTitle({ kind: 'cell', trueClass: 2, predictedClass: 0 }, names)).toBe('True c predicted as a (most confidently wrong first)');
    expect(selectionTitle({ kind: 'cell', trueClass: 1, predictedClass: 1 }, names)).toBe('True b predicted as b (right; most confident first)');
    expect(selectedCell({ kind: 'class', trueClass: 1 })).toBeNull();
    expect(selectedCell({ kind: 'cell', trueClass: 1, predictedClass: 2 })).toEqual([1, 2]);
  });
});

describe('stroke rasterizer', () => {
  /** Inked pixels of a size-28 raster as "row,col=value". */
  const inked = (data: ArrayLike<number>) => Array.from(data).flatMap((v, i) => (v ? [`${Math.floor(i / 28)},${i % 28}=${v}`] : []));

  it('inks the four pixels around a dot of width 2 at the centre: each centre is 0.707 away, ink (1.5 − 0.707)·255 = 202', () => {
    const { data } = rasterizeStrokes([{ width: 2, points: [[0.5, 0.5]] }], 28);
    expect(inked(data)).toEqual(['13,13=202', '13,14=202', '14,13=202', '14,14=202']);
  });

  it('draws a horizontal segment two pixels thick with round, anti-aliased ends', () => {
    // (7,14)→(21,14), half-width 1: rows 13 and 14 (centres 0.5 away) full from x 7 to 20; the end
    // pixels 6 and 21 are 0.707 from the end points (202); row 12 and 15 are 1.5 away (none).
    const { data } = rasterizeStrokes([{ width: 2, points: [[0.25, 0.5], [0.75, 0.5]] }], 28);
    const row = (r: number) => Array.from(data as Uint8Array).slice(r * 28, r * 28 + 28);
    const expected = Array.from({ length: 28 }, (_, x) => (x >= 7 && x <= 20 ? 255 : x === 6 || x === 21 ? 202 : 0));
    expect(row(13)).toEqual(expected);
    expect(row(14)).toEqual(expected);
    expect(row(12).every((v) => v === 0) && row(15).every((v) => v === 0)).toBe(true);
  });
});
