/**
 * Bad data files through the command line (`npm run train -- --images … --labels …`): each gets one
 * line, "error: <file>: <what is wrong and what to do>", exit code 2, and costs almost no memory — the
 * IDX header is checked before anything is allocated, a gzip stream is checked against its size record
 * and never inflated past what its header declares. Peak resident memory is compared with the same
 * command refusing a 16-byte file: growth under 100 MB for a 2 GiB sparse file and a 1 MB gzip bomb
 * that would expand to 1 GiB; and, whatever the files say, a pool over the DATA_MEMORY_LIMIT_MB budget
 * (1,024 MB) is refused from the headers, naming the budget. Fixtures are made in a temp folder at test time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../trainer/data/idx';
import { loadDataset } from '../../trainer/data/load';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MB = 2 ** 20;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-data-'));
const at = (name: string) => path.join(dir, name);
const write = (name: string, bytes: Uint8Array | string) => (fs.writeFileSync(at(name), bytes), at(name));
const header = (dims: number[]) => encodeIdx(dims, new Uint8Array(0));
const labels = (n: number, classes = 10) => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % classes));

beforeAll(async () => {
  write('labels-10', labels(10));
  write('labels-20', labels(20));
  write('labels-100', labels(100));
  write('tiny-images', encodeIdx([20, 2, 2], new Uint8Array(80)));
  write('junk', 'not an IDX file!');
  // 2 GiB sparse files (no disk blocks): a 100-image header followed by 2 GiB of nothing (2^31 − 16 −
  // 78,400 = 2,147,405,232 bytes too many), and a header declaring 3,000,000 images (2.35 GB) it cannot hold.
  for (const [name, dims] of [['sparse-2g', [100, 28, 28]], ['sparse-2g-big-header', [3_000_000, 28, 28]]] as const) {
    write(name, header([...dims]));
    fs.truncateSync(at(name), 2 ** 31);
  }
  // Issue 24: the same sizes, but self-consistent, so every format check passes: a 2 GiB sparse file
  // whose header declares exactly the 2,739,137 images it holds (with as many labels), and a 1 MB gzip
  // whose header and size record both declare the 1,369,569 images (1 GiB) it inflates to.
  const sparseImages = Math.floor((2 ** 31 - 16) / 784);
  write('sparse-2g-consistent', header([sparseImages, 28, 28]));
  fs.truncateSync(at('sparse-2g-consistent'), 16 + sparseImages * 784);
  write('labels-sparse', header([sparseImages]));
  fs.truncateSync(at('labels-sparse'), 8 + sparseImages);
  const bombImages = Math.ceil(2 ** 30 / 784);
  await pipeline(
    Readable.from((function* () { yield Buffer.from(header([bombImages, 28, 28])); for (let left = bombImages * 784; left > 0; left -= MB) yield left >= MB ? Buffer.alloc(MB) : Buffer.alloc(left); })()),
    createGzip({ level: 9 }),
    fs.createWriteStream(at('consistent-bomb.gz')),
  );
  write('labels-bomb', header([bombImages]));
  fs.truncateSync(at('labels-bomb'), 8 + bombImages);
  // 1 MB of gzip that inflates to 1 GiB: a header for 10 images, then a gigabyte of zeros.
  const zeros = Buffer.alloc(MB);
  await pipeline(Readable.from((function* () { yield Buffer.from(header([10, 28, 28])); for (let i = 0; i < 1024; i++) yield zeros; })()), createGzip({ level: 9 }), fs.createWriteStream(at('bomb.gz')));
  // The same bomb with its size record forged to agree with the header: only the inflate cap stops it.
  const forged = fs.readFileSync(at('bomb.gz'));
  forged.writeUInt32LE(16 + 10 * 28 * 28, forged.length - 4);
  write('forged-bomb.gz', forged);
  const corrupt = labels(20);
  corrupt[8 + 13] = 255; // one label byte of 20 flipped to 255
  write('labels-corrupt', corrupt);
  write('mapping-5', Array.from({ length: 5 }, (_, i) => `${i} ${48 + i}`).join('\n'));
  write('zero-size-images', header([10, 0, 0]));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the train command on bad files: its stderr lines, exit code and peak RSS. */
function train(args: string[]) {
  const rssFile = at(`rss-${Math.random().toString(36).slice(2)}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--import', path.join(ROOT, 'test/trainer/fixtures/reportPeakRss.mjs'), 'trainer/cli/train.ts', '--epochs', '1', ...args], {
    cwd: ROOT,
    env: { ...process.env, PEAK_RSS_FILE: rssFile },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: res.status, errors: res.stderr.split('\n').filter((l) => l.trim() && !/^loading data/.test(l)), peakRss: Number(fs.readFileSync(rssFile, 'utf8')) };
}

describe('bad data files on the command line', () => {
  let baseline: number;
  beforeAll(() => {
    const r = train(['--images', at('junk'), '--labels', at('labels-10')]);
    expect(r.errors).toEqual([`error: ${at('junk')}: wrong magic number 0x6e6f7420; an image (idx3) file starts with 0x00000803`]);
    baseline = r.peakRss;
  }, 120_000);

  it.each([
    ['a 2 GiB sparse file behind a 100-image header', ['sparse-2g', 'labels-100'], /sparse-2g: 2,147,405,232 unexpected bytes after the 100×28×28 data; the file is not a valid IDX file$/],
    ['a 2 GiB sparse file whose header declares 2.35 GB', ['sparse-2g-big-header', 'labels-100'], /sparse-2g-big-header: truncated: the header promises 3000000×28×28 = 2,352,000,000 bytes of data but only 2,147,483,632 follow; download the file again$/],
    ['a 1 MB gzip bomb expanding to 1 GiB', ['bomb.gz', 'labels-10'], /bomb\.gz: gzip data is truncated or corrupt: its trailer records 1,073,741,840 bytes uncompressed but the IDX header declares 7,856 \(10×28×28 \+ header\); download the file again/],
    ['the bomb with a forged size record', ['forged-bomb.gz', 'labels-10'], /forged-bomb\.gz: gzip data expands past the 7,856 bytes its IDX header declares \(10×28×28\); the file is corrupt or not an IDX file$/],
    ['a consistent 2 GiB sparse file (issue 24)', ['sparse-2g-consistent', 'labels-sparse'], /sparse-2g-consistent: its header declares 2,739,137 images of 28×28, which would take 2,051 MB of memory, over the 1,024 MB data budget \(DATA_MEMORY_LIMIT_MB\); check the file, or raise DATA_MEMORY_LIMIT_MB/],
    ['a consistent 1 MB gzip expanding to 1 GiB (issue 24)', ['consistent-bomb.gz', 'labels-bomb'], /consistent-bomb\.gz: its header declares 1,369,569 images of 28×28, which would take 1,026 MB of memory, over the 1,024 MB data budget \(DATA_MEMORY_LIMIT_MB\)/],
  ])('%s: one line, memory bounded', (_what, [images, labelFile], message) => {
    const r = train(['--images', at(images), '--labels', at(labelFile)]);
    expect(r.status).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^error: /);
    expect(r.errors[0]).toMatch(message);
    expect(r.peakRss - baseline).toBeLessThan(100 * MB);
  }, 120_000);

  it.each([
    ['a label byte corrupted to 255, no mapping', ['tiny-images', 'labels-corrupt'], [], /labels-corrupt: labels are not numbered 0…n−1 without gaps: 11 distinct labels from 0 to 255, 245 missing \(first 10\); label 255 first appears at index 13\. .*pass --mapping FILE/],
    ['labels beyond the mapping', ['tiny-images', 'labels-20'], ['--mapping', 'mapping-5'], /tiny-images: label 5 at index 5 is outside the mapping's 5 classes \(0…4\); wrong mapping file or corrupt labels$/],
    ['images of 0×0 pixels', ['zero-size-images', 'labels-10'], [], /zero-size-images: images are 0×0 pixels; an image needs at least 1×1 \(a corrupt header\?\)$/],
  ])('%s: one line', (_what, [images, labelFile], extra, message) => {
    const r = train(['--images', at(images), '--labels', at(labelFile), ...extra.map((e) => (e.startsWith('--') ? e : at(e)))]);
    expect(r.status).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^error: /);
    expect(r.errors[0]).toMatch(message);
  }, 120_000);
});

describe('the IDX reader refuses before it allocates', () => {
  it('a header declaring more than one buffer can hold', async () => {
    const file = write('huge-header', header([4_000_000_000, 28, 28]));
    await expect(loadDataset({ kind: 'idx', name: 'x', files: [{ images: file, labels: at('labels-10'), role: 'train' }] })).rejects.toThrow(
      /huge-header: the header declares 4000000000×28×28 = 3,136,000,000,000 bytes of data, more than one buffer can hold/,
    );
  });

  it('image and label counts that disagree, from the headers alone', async () => {
    const images = write('images-100.gz', gzipSync(encodeIdx([100, 2, 2], new Uint8Array(400))));
    await expect(loadDataset({ kind: 'idx', name: 'x', files: [{ images, labels: at('labels-10'), role: 'train' }] })).rejects.toThrow(/images-100\.gz: holds 100 images but labels-10 holds 10 labels/);
  });

  it('a file that holds no images, a folder, an empty mapping', async () => {
    const empty = write('no-images', header([0, 28, 28]));
    await expect(loadDataset({ kind: 'idx', name: 'x', files: [{ images: empty, labels: at('labels-10'), role: 'train' }] })).rejects.toThrow(/no-images: holds no images/);
    await expect(loadDataset({ kind: 'idx', name: 'x', files: [{ images: dir, labels: at('labels-10'), role: 'train' }] })).rejects.toThrow(/is a folder, not a file/);
    const mapping = write('empty-mapping', '\n');
    await expect(loadDataset({ kind: 'idx', name: 'x', files: [{ images: at('tiny-images'), labels: at('labels-20'), role: 'train' }], mapping })).rejects.toThrow(/empty-mapping: the mapping file is empty/);
  });
});
