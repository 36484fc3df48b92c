/**
 * Draws a grayscale glyph (rows·cols uint8, row-major, upright) into a <canvas>, ink dark on white,
 * scaled up without smoothing. Used for class samples and confused-pair examples.
 */
export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function drawDigit(canvas: HTMLCanvasElement, pixels: Uint8Array, rows: number, cols: number): void {
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const v = 255 - (pixels[i] ?? 0); // ink dark on white paper
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
