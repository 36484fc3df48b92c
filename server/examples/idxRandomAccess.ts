/**
 * Single images out of IDX image files without loading the files: the examples gallery needs 60 of
 * 800,000 images, and the API server should not hold EMNIST's 640 MB pool to serve them. A plain IDX
 * file is read in place (one positioned read per image); a gzipped one — the official distribution —
 * is inflated once, on first use, into a cache file (IMAGE_CACHE_DIR, default $DATA_DIR/image-cache:
 * 91 MB for EMNIST's test file, 547 MB for its train file), streamed through zlib off the event loop,
 * and read from there. Cache files are named by the source's path and its size and modification time,
 * so a replaced source file gets a new one (the stale one is deleted). Labels (one byte an image) are
 * read whole and kept in memory. Headers are checked by the trainer's IDX reader first.
 */
import crypto from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { readIdxHeader, readIdxLabels } from '../../trainer/data/idx';

export function imageCacheDir(): string {
  return path.resolve(process.env.IMAGE_CACHE_DIR ?? path.join(process.env.DATA_DIR || '.data', 'image-cache'));
}

export interface IdxImageFile {
  file: string;
  count: number;
  rows: number;
  cols: number;
  /** Image i as stored (rows·cols bytes). */
  read(i: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const hash = (text: string) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Inflates the data part of a gzipped IDX file (header skipped) into `target`, atomically. */
async function inflateData(file: string, headerBytes: number, dataBytes: number, target: string): Promise<void> {
  const tmp = `${target}.${process.pid}.${crypto.randomUUID()}.tmp`;
  let skip = headerBytes;
  let written = 0;
  const dropHeader = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let part = chunk;
      if (skip > 0) {
        const s = Math.min(skip, part.length);
        part = part.subarray(s);
        skip -= s;
      }
      written += part.length;
      if (written > dataBytes) return done(new Error(`${file}: gzip data expands past the size its IDX header declares; the file is corrupt`));
      done(null, part);
    },
  });
  try {
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), createGunzip(), dropHeader, createWriteStream(tmp));
    if (written !== dataBytes) throw new Error(`${file}: truncated (${written} of ${dataBytes} data bytes)`);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function openImageFile(file: string): Promise<IdxImageFile> {
  const header = await readIdxHeader(file, 3);
  const [count, rows, cols] = header.dims;
  const size = rows * cols;
  let handle: FileHandle;
  let offset: number;
  if (!header.gzip) {
    handle = await open(file, 'r');
    offset = 4 + 4 * 3;
  } else {
    const dir = imageCacheDir();
    const info = await stat(file);
    const prefix = hash(path.resolve(file));
    const target = path.join(dir, `${prefix}-${hash(`${info.size}:${info.mtimeMs}`)}.u8`);
    await mkdir(dir, { recursive: true });
    const have = await stat(target).catch(() => null);
    if (!have || have.size !== header.dataBytes) {
      await inflateData(file, 4 + 4 * 3, header.dataBytes, target);
      // Older inflations of the same source (replaced since) are of no more use.
      for (const old of await readdir(dir)) if (old.startsWith(`${prefix}-`) && old.endsWith('.u8') && path.join(dir, old) !== target) await rm(path.join(dir, old), { force: true });
    }
    handle = await open(target, 'r');
    offset = 0;
  }
  return {
    file,
    count,
    rows,
    cols,
    async read(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new Error(`${file}: no image ${i} (it holds ${count})`);
      const out = new Uint8Array(size);
      const { bytesRead } = await handle.read(out, 0, size, offset + i * size);
      if (bytesRead !== size) throw new Error(`${file}: image ${i} is cut short; the file changed while in use`);
      return out;
    },
    close: () => handle.close(),
  };
}

interface Cached<T> {
  key: string;
  value: Promise<T>;
}
const images = new Map<string, Cached<IdxImageFile>>();
const labels = new Map<string, Cached<Uint8Array>>();

/** A cached value for `file`, made again when the file's size or modification time changed. */
async function cachedFor<T>(cache: Map<string, Cached<T>>, file: string, make: () => Promise<T>, dispose?: (value: T) => Promise<void>): Promise<T> {
  const info = await stat(file);
  const key = `${info.size}:${info.mtimeMs}`;
  let hit = cache.get(file);
  if (!hit || hit.key !== key) {
    if (hit && dispose) void hit.value.then(dispose).catch(() => {});
    hit = { key, value: make() };
    cache.set(file, hit);
    const mine = hit;
    hit.value.catch(() => cache.get(file) === mine && cache.delete(file));
  }
  return hit.value;
}

/** Random access to the images of an IDX file (opened, and inflated if need be, once). */
export function idxImages(file: string): Promise<IdxImageFile> {
  return cachedFor(images, file, () => openImageFile(file), (f) => f.close());
}

/** All labels of an IDX labels file. */
export function idxLabels(file: string): Promise<Uint8Array> {
  return cachedFor(labels, file, () => readIdxLabels(file));
}
