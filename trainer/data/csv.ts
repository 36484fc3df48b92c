/**
 * Reader for the Kaggle CSV layout of EMNIST: no header, one image per line, the label then the
 * pixels (rows·cols integers 0–255, in the same transposed order as the IDX files).
 */
import { DatasetError } from './errors';
import { readMaybeGzipped } from './idx';

export interface CsvImages {
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export async function readCsvImages(file: string, pixelsPerImage = 784): Promise<CsvImages> {
  const text = new TextDecoder().decode(await readMaybeGzipped(file));
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new DatasetError(file, 'the CSV file is empty');
  const pixels = new Uint8Array(lines.length * pixelsPerImage);
  const labels = new Uint8Array(lines.length);
  lines.forEach((line, row) => {
    const fields = line.split(',');
    if (fields.length !== pixelsPerImage + 1) {
      const hint = row === 0 && Number.isNaN(Number(fields[0])) ? ' (a header line? the layout has no header)' : '';
      throw new DatasetError(file, `line ${row + 1} has ${fields.length} fields, expected ${pixelsPerImage + 1} (label then ${pixelsPerImage} pixels)${hint}`);
    }
    for (let i = 0; i < fields.length; i++) {
      const v = Number(fields[i]);
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new DatasetError(file, `line ${row + 1}, field ${i + 1}: "${fields[i]}" is not an integer 0–255`);
      }
      if (i === 0) labels[row] = v;
      else pixels[row * pixelsPerImage + i - 1] = v;
    }
  });
  return { count: lines.length, pixels, labels };
}
