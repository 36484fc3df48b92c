/**
 * Reader for IDX files (the MNIST/EMNIST distribution format), plain or gzipped.
 * Layout: magic [0, 0, dtype, ndim], then ndim big-endian uint32 dimensions, then the data.
 * Only unsigned-byte data (dtype 0x08) occurs in these datasets: images are idx3 [n, rows, cols],
 * labels idx1 [n]. The header is read and checked first — magic, rank, no zero dimension, and that the
 * data it declares is exactly what the file holds (the file size for plain files; the gzip trailer's
 * size record, then a hard cap while inflating, for gzipped ones) — and only then is memory allocated,
 * exactly as much as the header declares. A corrupt or hostile file (a huge sparse file, a gzip bomb)
 * therefore costs a few kilobytes, not gigabytes. Every failure is a one-line DatasetError naming the
 * file, what is wrong, and what to do.
 */
import { constants as bufferConstants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DatasetError } from './errors';

const UBYTE = 0x08;
const GZIP_MAGIC = [0x1f, 0x8b];
const fmt = (n: number) => n.toLocaleString('en-US');

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** [count · rows · cols] pixels, as stored. */
  pixels: Uint8Array;
}

/** A checked header: the dimensions and where the data is. */
export interface IdxHeader {
  file: string;
  rank: 1 | 3;
  dims: number[];
  /** Data bytes the header declares (the product of the dimensions). */
  dataBytes: number;
  gzip: boolean;
}

async function openFile(file: string): Promise<FileHandle> {
  try {
    const handle = await open(file, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw new DatasetError(file, 'is a folder, not a file; name the IDX file itself');
    }
    return handle;
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'file not found; check the path or set EMNIST_DIR / --data' : code === 'EISDIR' ? 'is a folder, not a file; name the IDX file itself' : `cannot read file (${code ?? String(err)})`);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Checks magic, rank and dimensions of the first bytes of an IDX stream; returns the dimensions. */
export function checkIdxHeader(file: string, head: Uint8Array, rank: 1 | 3, gzip: boolean): IdxHeader {
  const kind = rank === 3 ? 'image (idx3)' : 'label (idx1)';
  const headerBytes = 4 + 4 * rank;
  if (head.length < 4) throw new DatasetError(file, `too short to be an IDX file (${head.length} bytes)`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, false);
  const expectedMagic = (UBYTE << 8) | rank;
  if (magic !== expectedMagic) {
    throw new DatasetError(
      file,
      `wrong magic number 0x${magic.toString(16).padStart(8, '0')}; an ${kind} file starts with 0x${expectedMagic.toString(16).padStart(8, '0')}` +
        (head[0] === 0 && head[1] === 0 && head[3] !== rank ? ` (this looks like an idx${head[3]} file: images and labels swapped?)` : ''),
    );
  }
  if (head.length < headerBytes) throw new DatasetError(file, `truncated header (${head.length} of ${headerBytes} bytes)`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  if (dims[0] === 0) throw new DatasetError(file, `holds no ${rank === 3 ? 'images' : 'labels'} (the header says 0); use a file with data`);
  if (rank === 3 && (dims[1] === 0 || dims[2] === 0)) throw new DatasetError(file, `images are ${dims[1]}×${dims[2]} pixels; an image needs at least 1×1 (a corrupt header?)`);
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  if (dataBytes > bufferConstants.MAX_LENGTH) {
    throw new DatasetError(file, `the header declares ${dims.join('×')} = ${fmt(dataBytes)} bytes of data, more than one buffer can hold (${fmt(bufferConstants.MAX_LENGTH)}); a corrupt header, or split the data into several files`);
  }
  return { file, rank, dims, dataBytes, gzip };
}

const dimsText = (h: IdxHeader) => h.dims.join('×');

/**
 * Reads and checks an IDX file's header without reading its data: for a plain file, also that its size
 * is exactly header + data; for a gzipped one, that the gzip trailer records that size.
 */
export async function readIdxHeader(file: string, rank: 1 | 3): Promise<IdxHeader> {
  const handle = await openFile(file);
  try {
    const size = (await handle.stat()).size;
    const first = await readAt(handle, 0, 2);
    const gzip = first.length === 2 && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
    const headerBytes = 4 + 4 * rank;
    if (!gzip) {
      const header = checkIdxHeader(file, await readAt(handle, 0, headerBytes), rank, false);
      const available = size - headerBytes;
      if (available < header.dataBytes) {
        throw new DatasetError(file, `truncated: the header promises ${dimsText(header)} = ${fmt(header.dataBytes)} bytes of data but only ${fmt(available)} follow; download the file again`);
      }
      if (available > header.dataBytes) {
        throw new DatasetError(file, `${fmt(available - header.dataBytes)} unexpected bytes after the ${dimsText(header)} data; the file is not a valid IDX file`);
      }
      return header;
    }
    const header = checkIdxHeader(file, await inflatePrefix(file, headerBytes), rank, true);
    // The last 4 bytes of a gzip file record the uncompressed size (mod 2^32): checked before inflating
    // anything large, so a small file that would expand to gigabytes is refused at once.
    if (size < 18) throw new DatasetError(file, 'gzip data is truncated or corrupt (no trailer); download the file again');
    const isize = new DataView((await readAt(handle, size - 4, 4)).buffer).getUint32(0, true);
    const declared = headerBytes + header.dataBytes;
    if (isize !== declared % 2 ** 32) {
      throw new DatasetError(
        file,
        `gzip data is truncated or corrupt: its trailer records ${fmt(isize)} bytes uncompressed but the IDX header declares ${fmt(declared)} (${dimsText(header)} + header); download the file again (several concatenated gzip files: gunzip it first)`,
      );
    }
    return header;
  } finally {
    await handle.close();
  }
}

/** The first `bytes` of a gzip file's inflated content (fewer if it ends first). */
async function inflatePrefix(file: string, bytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(bytes);
  let got = 0;
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const take = Math.min(chunk.length, bytes - got);
      out.set(chunk.subarray(0, take), got);
      got += take;
      if (got === bytes) break;
    }
  } catch (err) {
    throw new DatasetError(file, `gzip data is truncated or corrupt (${(err as Error).message}); download the file again`);
  } finally {
    stream.destroy();
  }
  return out.subarray(0, got);
}

/** The data a checked header declares: exactly dataBytes, allocated once, never more read or inflated. */
export async function readIdxData(header: IdxHeader): Promise<Uint8Array> {
  const { file, dataBytes } = header;
  const headerBytes = 4 + 4 * header.rank;
  const data = new Uint8Array(dataBytes);
  if (!header.gzip) {
    const handle = await openFile(file);
    try {
      const got = await readAt(handle, headerBytes, dataBytes);
      if (got.length < dataBytes) throw new DatasetError(file, `truncated while reading (${fmt(got.length)} of ${fmt(dataBytes)} bytes); was it being written?`);
      data.set(got);
    } finally {
      await handle.close();
    }
    return data;
  }
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(createGunzip());
  let skip = headerBytes;
  let got = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let part = chunk;
      if (skip > 0) {
        const s = Math.min(skip, part.length);
        part = part.subarray(s);
        skip -= s;
      }
      if (got + part.length > dataBytes) {
        // The trailer agreed (mod 2^32) but the stream goes on: stop here, at the declared size.
        throw new DatasetError(file, `gzip data expands past the ${fmt(headerBytes + dataBytes)} bytes its IDX header declares (${dimsText(header)}); the file is corrupt or not an IDX file`);
      }
      data.set(part, got);
      got += part.length;
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(file, `gzip data is truncated or corrupt (${(err as Error).message}); download the file again`);
  } finally {
    stream.destroy();
  }
  if (got < dataBytes) {
    throw new DatasetError(file, `truncated: the header promises ${dimsText(header)} = ${fmt(dataBytes)} bytes of data but only ${fmt(got)} follow; download the file again`);
  }
  return data;
}

export async function readIdxImages(file: string): Promise<IdxImages> {
  const header = await readIdxHeader(file, 3);
  const [count, rows, cols] = header.dims;
  return { count, rows, cols, pixels: await readIdxData(header) };
}

export async function readIdxLabels(file: string): Promise<Uint8Array> {
  return readIdxData(await readIdxHeader(file, 1));
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
