// Preprocessing of a drawing (trainer/data/drawing.ts) against examples computed by hand: crop to the
// ink, scale by area so the longer side is 20, centre of mass to the frame's centre, and EMNIST's
// stored transposition.
import { describe, expect, it } from 'vitest';
import { inkBounds, preprocessDrawing, toStoredOrder } from '../../trainer/data/drawing';
import { uprightImage, type Dataset } from '../../trainer/data/dataset';

/** The 28×28 output as the set of "row,col=value" of its inked pixels. */
function inked(out: Uint8Array | null): Map<string, number> {
  const m = new Map<string, number>();
  out!.forEach((v, i) => v && m.set(`${Math.floor(i / 28)},${i % 28}`, v));
  return m;
}

function expected(cells: [rows: [number, number], cols: [number, number], value: number][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [[r0, r1], [c0, c1], value] of cells) for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) m.set(`${r},${c}`, value);
  return m;
}

function canvas(width: number, height: number, ink: [x0: number, x1: number, y0: number, y1: number, value: number][]) {
  const data = new Uint8Array(width * height);
  for (const [x0, x1, y0, y1, v] of ink) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data[y * width + x] = v;
  return { width, height, data };
}

describe('preprocessDrawing', () => {
  it('scales a 4×2 bar to 20×10 and centres it: rows 9–18, columns 4–23', () => {
    // bbox 4 wide, 2 high → ×5 → 20×10, all 255; centre of mass (10, 5) → offset (14−10, 14−5) = (4, 9).
    const out = preprocessDrawing(canvas(28, 28, [[10, 13, 5, 6, 255]]));
    expect(inked(out)).toEqual(expected([[[9, 18], [4, 23], 255]]));
  });

  it('shrinks a 40×40 "L" by 2 with area averaging and moves its centre of mass, not its box, to the centre', () => {
    // Vertical bar x 0–9, y 0–39 and foot x 10–39, y 30–39 → halved: bar x 0–4, y 0–19; foot x 5–19, y 15–19
    // (175 inked pixels). Σ(x+½) = 20·12.5 + 5·187.5 = 1187.5 → cx = 6.786; Σ(y+½) = 5·200 + 15·87.5 = 2312.5
    // → cy = 13.214. Offset (round(14 − 6.786), round(14 − 13.214)) = (7, 1).
    const out = preprocessDrawing(canvas(40, 40, [[0, 9, 0, 39, 255], [10, 39, 30, 39, 255]]));
    expect(inked(out)).toEqual(expected([[[1, 20], [7, 11], 255], [[16, 20], [12, 26], 255]]));
  });

  it('blends the edges of an upscaled pixel by the fraction of it each output pixel covers', () => {
    // Ink at x = 0 and x = 2 of a 3×1 box: ×20/3 → 20×7 (round 6.67). Output column X covers input
    // [0.15·X, 0.15·(X+1)): column 6 is ⅔ pixel 0, column 13 is ⅔ pixel 2 → 170. Centre of mass (10, 3.5)
    // → offset (4, round(10.5) = 11).
    const out = preprocessDrawing(canvas(28, 28, [[5, 5, 3, 3, 255], [7, 7, 3, 3, 255]]));
    expect(inked(out)).toEqual(expected([[[11, 17], [4, 9], 255], [[11, 17], [10, 10], 170], [[11, 17], [17, 17], 170], [[11, 17], [18, 23], 255]]));
  });

  it('says an empty drawing is empty, and refuses data of the wrong size', () => {
    expect(preprocessDrawing(canvas(28, 28, []))).toBeNull();
    expect(inkBounds(canvas(10, 10, [[2, 3, 4, 8, 9]]))).toEqual({ x0: 2, x1: 4, y0: 4, y1: 9 });
    expect(() => preprocessDrawing({ width: 28, height: 28, data: new Uint8Array(10) })).toThrow(/10 values, expected 28×28/);
  });
});

describe('toStoredOrder', () => {
  it('transposes for EMNIST and is the inverse of uprightImage', () => {
    // upright 2×3: [1 2 3; 4 5 6] → stored (transposed) [1 4 2 5 3 6]
    expect(Array.from(toStoredOrder([1, 2, 3, 4, 5, 6], 2, 3, true))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(toStoredOrder([1, 2, 3, 4, 5, 6], 2, 3, false))).toEqual([1, 2, 3, 4, 5, 6]);
    const stored = toStoredOrder([1, 2, 3, 4, 5, 6], 2, 3, true);
    const ds = { images: stored, rows: 2, cols: 3, transposed: true } as unknown as Dataset;
    expect(Array.from(uprightImage(ds, 0))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
