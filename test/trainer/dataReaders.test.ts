// IDX / CSV / mapping readers: real fixture files, and every bad-file case with its message.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, readIdxImages, readIdxLabels } from '../../trainer/data/idx';
import { readCsvImages } from '../../trainer/data/csv';
import { readMapping } from '../../trainer/data/mapping';
import { loadDataset, locateEmnist } from '../../trainer/data/load';
import { uprightImage } from '../../trainer/data/dataset';
import { EMNIST_DIR, fixtureFile, hasEmnist, needsEmnist } from '../helpers/emnist';

const dir = mkdtempSync(path.join(tmpdir(), 'idx-'));
const file = (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
// Three 2×3 images with pixel values 0..17, labels 0,1,2.
const pixels = Uint8Array.from({ length: 18 }, (_, i) => i);
const goodImages = () => file('good-images', encodeIdx([3, 2, 3], pixels));
const goodLabels = () => file('good-labels', encodeIdx([3], Uint8Array.of(0, 1, 2)));

describe('IDX reader', () => {
  it('reads images and labels, plain and gzipped alike', async () => {
    const plain = await readIdxImages(goodImages());
    const gz = await readIdxImages(file('good-images.gz', gzipSync(encodeIdx([3, 2, 3], pixels))));
    expect(plain).toMatchObject({ count: 3, rows: 2, cols: 3 });
    expect(Array.from(plain.pixels)).toEqual(Array.from(pixels));
    expect(Array.from(gz.pixels)).toEqual(Array.from(pixels));
    expect(Array.from(await readIdxLabels(goodLabels()))).toEqual([0, 1, 2]);
  });

  it('names the file and the problem for a wrong magic number', async () => {
    const labelsAsImages = goodLabels();
    await expect(readIdxImages(labelsAsImages)).rejects.toThrow(/good-labels: wrong magic number 0x00000801; an image \(idx3\) file starts with 0x00000803.*swapped/);
    const junk = file('junk', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    await expect(readIdxLabels(junk)).rejects.toThrow(/junk: wrong magic number 0x01020304/);
  });

  it('reports truncated data, truncated headers and trailing bytes', async () => {
    const full = encodeIdx([3, 2, 3], pixels);
    await expect(readIdxImages(file('short', full.subarray(0, full.length - 5)))).rejects.toThrow(/short: truncated: the header promises 3×2×3 = 18 bytes of data but only 13 follow/);
    await expect(readIdxImages(file('header', full.subarray(0, 10)))).rejects.toThrow(/header: truncated header \(10 of 16 bytes\)/);
    const longer = new Uint8Array(full.length + 2);
    longer.set(full);
    await expect(readIdxImages(file('long', longer))).rejects.toThrow(/long: 2 unexpected bytes/);
    const gz = gzipSync(full);
    await expect(readIdxImages(file('cut.gz', gz.subarray(0, gz.length - 20)))).rejects.toThrow(/cut\.gz: gzip data is truncated or corrupt/);
  });

  it('reports a missing file with what to do', async () => {
    await expect(readIdxImages(path.join(dir, 'nope.gz'))).rejects.toThrow(/nope\.gz: file not found; check the path or set EMNIST_DIR/);
  });
});

describe('dataset consistency checks', () => {
  it('pools several files and numbers classes from the data without a mapping', async () => {
    const ds = await loadDataset({ kind: 'idx', name: 'tiny', files: [{ images: goodImages(), labels: goodLabels(), role: 'train' }, { images: goodImages(), labels: goodLabels(), role: 'test' }] });
    expect(ds.count).toBe(6);
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(ds.sources).toEqual([
      { file: 'good-images', role: 'train', start: 0, count: 3 },
      { file: 'good-images', role: 'test', start: 3, count: 3 },
    ]);
  });

  it('refuses image/label count mismatches', async () => {
    const twoLabels = file('two-labels', encodeIdx([2], Uint8Array.of(0, 1)));
    await expect(loadDataset({ kind: 'idx', name: 't', files: [{ images: goodImages(), labels: twoLabels, role: 'train' }] })).rejects.toThrow(/good-images: holds 3 images but two-labels holds 2 labels/);
  });

  it('refuses labels outside the mapping', async () => {
    const mapping = file('map.txt', '0 48\n1 49\n');
    await expect(loadDataset({ kind: 'idx', name: 't', files: [{ images: goodImages(), labels: goodLabels(), role: 'train' }], mapping })).rejects.toThrow(/good-images: label 2 at index 2 is outside the mapping's 2 classes/);
  });

  it('refuses files whose image size differs', async () => {
    const other = file('other-images', encodeIdx([3, 3, 2], pixels));
    await expect(
      loadDataset({ kind: 'idx', name: 't', files: [{ images: goodImages(), labels: goodLabels(), role: 'train' }, { images: other, labels: goodLabels(), role: 'test' }] }),
    ).rejects.toThrow(/other-images: images are 3×2, expected 2×3 like the other files/);
  });

  it('refuses EMNIST files that are not 28×28', async () => {
    const emnistDir = mkdtempSync(path.join(tmpdir(), 'emnist-'));
    writeFileSync(path.join(emnistDir, 'emnist-bymerge-mapping.txt'), '0 48\n1 49\n2 50\n');
    writeFileSync(path.join(emnistDir, 'emnist-bymerge-test-images-idx3-ubyte'), encodeIdx([3, 2, 3], pixels));
    writeFileSync(path.join(emnistDir, 'emnist-bymerge-test-labels-idx1-ubyte'), encodeIdx([3], Uint8Array.of(0, 1, 2)));
    await expect(loadDataset({ kind: 'emnist', dir: emnistDir })).rejects.toThrow(/emnist-bymerge-test-images-idx3-ubyte: images are 2×3, expected 28×28 for emnist-bymerge/);
  });

  it('says which EMNIST files are missing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'empty-'));
    const where = locateEmnist(empty);
    expect(where.found).toBe(false);
    expect(where.missing.join(' ')).toMatch(/emnist-bymerge-mapping\.txt/);
    await expect(loadDataset({ kind: 'emnist', dir: empty })).rejects.toThrow(/EMNIST ByMerge is incomplete here; missing: .*mapping.*Set EMNIST_DIR/);
  });
});

describe('CSV and mapping readers', () => {
  it('reads the Kaggle layout and rejects bad lines', async () => {
    const good = file('ok.csv', '2,0,255,7,8\n1,1,2,3,4\n');
    const csv = await readCsvImages(good, 4);
    expect(Array.from(csv.labels)).toEqual([2, 1]);
    expect(Array.from(csv.pixels)).toEqual([0, 255, 7, 8, 1, 2, 3, 4]);
    const gz = await readCsvImages(file('ok.csv.gz', gzipSync('2,0,255,7,8\r\n1,1,2,3,4')), 4); // CRLF, no final newline
    expect(Array.from(gz.labels)).toEqual([2, 1]);
    expect(Array.from(gz.pixels)).toEqual([0, 255, 7, 8, 1, 2, 3, 4]);
    await expect(readCsvImages(file("header.csv", "label,p1,p2,p3,p4\n1,1,2,3\n"), 4)).rejects.toThrow(/header\.csv: line 1, field 1: unexpected character "l" \(a header line\? the layout has no header\)/);
    await expect(readCsvImages(file('short.csv', '1,2,3,4,5\n1,2,3\n'), 4)).rejects.toThrow(/short\.csv: line 2 has 3 fields, expected 5/);
    await expect(readCsvImages(file('empty.csv', '\n'), 4)).rejects.toThrow(/empty\.csv: the CSV file is empty/);
    await expect(readCsvImages(file('big.csv', '1,2,3,4,256\n'), 4)).rejects.toThrow(/big\.csv: line 1, field 5: "256" is not an integer 0–255/);
  });

  it('reads mappings and rejects gaps', async () => {
    expect(await readMapping(file('m.txt', '0 48\n1 65\n2 97\n'))).toEqual(['0', 'A', 'a']);
    await expect(readMapping(file('gap.txt', '0 48\n2 65\n'))).rejects.toThrow(/gap\.txt: labels must be numbered 0…1; label 1 is missing/);
  });
});

describe.skipIf(!hasEmnist)(`real EMNIST fixtures${needsEmnist}`, () => {
  it('IDX and CSV fixtures hold the same 1,000 images and labels', async () => {
    const idx = await loadDataset({ kind: 'emnist', dir: EMNIST_DIR!, fixture: 'first1000' });
    const csv = await readCsvImages(fixtureFile('emnist-bymerge-test-first1000.csv'));
    expect(idx.count).toBe(1000);
    expect(idx.classNames.join('')).toBe('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt');
    expect(Buffer.from(csv.pixels).equals(Buffer.from(idx.images))).toBe(true);
    expect(Buffer.from(csv.labels).equals(Buffer.from(idx.labels))).toBe(true);
  });

  it('the upright accessor transposes the stored glyph', async () => {
    const ds = await loadDataset({ kind: 'emnist', dir: EMNIST_DIR!, fixture: 'first1000' });
    const up = uprightImage(ds, 5);
    for (const [r, c] of [[3, 17], [20, 4], [14, 14]]) expect(up[r * 28 + c]).toBe(ds.images[5 * 784 + c * 28 + r]);
  });
});
