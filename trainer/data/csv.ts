/**
 * Reader for the Kaggle CSV layout of EMNIST: no header, one image per line, the label then the
 * pixels (rows·cols integers 0–255, in the same transposed order as the IDX files).
 * The file is parsed as a byte stream (gunzipped on the fly when it is gzip), never as one string:
 * the ByMerge training CSV is larger than the longest string V8 can hold.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DatasetError } from './errors';
import { checkDataBudget } from './memoryBudget';

export interface CsvImages {
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

const COMMA = 44;
const NEWLINE = 10;
const CR = 13;

async function isGzip(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'file not found; check the path or set EMNIST_DIR / --data' : `cannot read file (${code})`);
  }
  const head = Buffer.alloc(2);
  await handle.read(head, 0, 2, 0);
  await handle.close();
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Growable uint8 storage: doubles its capacity, so a file of unknown line count is read in one pass. */
class Growable {
  data = new Uint8Array(1 << 16);
  length = 0;
  constructor(private readonly file: string) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      checkDataBudget(this.file, this.data.length * 2, 'its images');
      const bigger = new Uint8Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Uint8Array {
    return this.data.slice(0, this.length);
  }
}

export async function readCsvImages(file: string, pixelsPerImage = 784): Promise<CsvImages> {
  const stream = (await isGzip(file)) ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const pixels = new Growable(file);
  const labels = new Growable(file);
  let line = 1;
  let field = 0; // index of the field being read on this line
  let value = 0;
  let digits = 0;
  const fail = (problem: string): never => {
    throw new DatasetError(file, problem);
  };
  const endField = () => {
    if (digits === 0 || value > 255) {
      fail(`line ${line}, field ${field + 1}: ${digits === 0 ? 'empty or not a number' : `"${value}" is not an integer 0–255`}${line === 1 && field === 0 ? ' (a header line? the layout has no header)' : ''}`);
    }
    if (field === 0) labels.push(value);
    else if (field <= pixelsPerImage) pixels.push(value);
    field += 1;
    value = 0;
    digits = 0;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b >= 48 && b <= 57) {
          value = value * 10 + (b - 48);
          digits += 1;
        } else if (b === COMMA) {
          endField();
        } else if (b === NEWLINE) {
          if (field === 0 && digits === 0) continue; // blank line
          endField();
          if (field !== pixelsPerImage + 1) fail(`line ${line} has ${field} fields, expected ${pixelsPerImage + 1} (label then ${pixelsPerImage} pixels)`);
          field = 0;
          line += 1;
        } else if (b !== CR && b !== 32) {
          fail(`line ${line}, field ${field + 1}: unexpected character "${String.fromCharCode(b)}"${line === 1 && field === 0 ? ' (a header line? the layout has no header)' : ''}; values must be integers 0–255`);
        }
      }
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(file, `cannot read the file (${(err as Error).message}); gzip data may be truncated or corrupt`);
  }
  if (field > 0 || digits > 0) {
    endField();
    if (field !== pixelsPerImage + 1) fail(`line ${line} has ${field} fields, expected ${pixelsPerImage + 1} (label then ${pixelsPerImage} pixels)`);
  }
  if (labels.length === 0) fail('the CSV file is empty');
  return { count: labels.length, pixels: pixels.trimmed(), labels: labels.trimmed() };
}
