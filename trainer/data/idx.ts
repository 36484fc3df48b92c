/**
 * Reader for IDX files (the MNIST/EMNIST distribution format), plain or gzipped.
 * Layout: magic [0, 0, dtype, ndim], then ndim big-endian uint32 dimensions, then the data.
 * Only unsigned-byte data (dtype 0x08) occurs in these datasets: images are idx3 [n, rows, cols],
 * labels idx1 [n]. Every failure is a DatasetError naming the file and what is wrong with it.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DatasetError } from './errors';

const gunzipAsync = promisify(gunzip);
const UBYTE = 0x08;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** [count · rows · cols] pixels, as stored. */
  pixels: Uint8Array;
}

/** Reads a file, gunzipping when it starts with the gzip magic (whatever its name says). */
export async function readMaybeGzipped(file: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'file not found; check the path or set EMNIST_DIR / --data' : `cannot read file (${code ?? String(err)})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      const out = await gunzipAsync(raw);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (err) {
      throw new DatasetError(file, `gzip data is truncated or corrupt (${(err as Error).message}); download the file again`);
    }
  }
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Parses an IDX header and checks the magic number, dtype, rank and that the data is all there. */
export function parseIdx(file: string, bytes: Uint8Array, expectedRank: 1 | 3): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new DatasetError(file, `too short to be an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const kind = expectedRank === 3 ? 'image (idx3)' : 'label (idx1)';
  const expectedMagic = (UBYTE << 8) | expectedRank;
  if (magic !== expectedMagic) {
    throw new DatasetError(
      file,
      `wrong magic number 0x${magic.toString(16).padStart(8, '0')}; an ${kind} file starts with 0x${expectedMagic.toString(16).padStart(8, '0')}` +
        (bytes[0] === 0 && bytes[1] === 0 && bytes[3] !== expectedRank ? ` (this looks like an idx${bytes[3]} file: images and labels swapped?)` : ''),
    );
  }
  const headerBytes = 4 + 4 * expectedRank;
  if (bytes.length < headerBytes) throw new DatasetError(file, `truncated header (${bytes.length} of ${headerBytes} bytes)`);
  const dims = Array.from({ length: expectedRank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expectedData = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerBytes;
  if (available < expectedData) {
    throw new DatasetError(file, `truncated: the header promises ${dims.join('×')} = ${expectedData} bytes of data but only ${available} follow; download the file again`);
  }
  if (available > expectedData) {
    throw new DatasetError(file, `${available - expectedData} unexpected bytes after the ${dims.join('×')} data; the file is not a valid IDX file`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

export async function readIdxImages(file: string): Promise<IdxImages> {
  const { dims, data } = parseIdx(file, await readMaybeGzipped(file), 3);
  const [count, rows, cols] = dims;
  return { count, rows, cols, pixels: data };
}

export async function readIdxLabels(file: string): Promise<Uint8Array> {
  return parseIdx(file, await readMaybeGzipped(file), 1).data;
}

/** Encodes arrays as IDX bytes (used by tests to make fixtures and by tools that export subsets). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
