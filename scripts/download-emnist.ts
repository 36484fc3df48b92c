/**
 * `npm run data:emnist`: downloads the official EMNIST archive from NIST (gzip.zip, about 536 MB),
 * extracts the ByMerge files into the folder given as argument (default .data/emnist), checks them (IDX headers, image
 * counts 697,932 + 116,323, 47 classes), and prints the EMNIST_DIR line to use. Where the NIST host
 * cannot be reached it fails at once with what to do instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadDataset } from '../trainer/data/load';

const URL_ = process.env.EMNIST_URL ?? 'https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip';
// The target folder is an argument (never EMNIST_DIR, which may point at a read-only shared copy).
const dir = path.resolve(process.argv[2] ?? path.join('.data', 'emnist'));
const FILES = [
  'emnist-bymerge-train-images-idx3-ubyte.gz',
  'emnist-bymerge-train-labels-idx1-ubyte.gz',
  'emnist-bymerge-test-images-idx3-ubyte.gz',
  'emnist-bymerge-test-labels-idx1-ubyte.gz',
  'emnist-bymerge-mapping.txt',
];
const EXPECTED = { train: 697_932, test: 116_323, classes: 47 };

function fail(message: string): never {
  console.error(`data:emnist: ${message}`);
  process.exit(1);
}

async function main() {
  fs.mkdirSync(dir, { recursive: true });
  const zip = path.join(dir, 'gzip.zip');
  if (!FILES.every((f) => fs.existsSync(path.join(dir, f)))) {
    if (!fs.existsSync(zip)) {
      console.log(`Downloading ${URL_} …`);
      let res: Response;
      try {
        res = await fetch(URL_, { signal: AbortSignal.timeout(20_000) });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        fail(
          `cannot reach ${new URL(URL_).host} (${cause?.code ?? cause?.message ?? (err as Error).message}).\n` +
            `This machine has no route to the NIST download server. Instead, copy the official files\n` +
            `(${FILES.join(', ')}) into a folder and set EMNIST_DIR to it, e.g. EMNIST_DIR=../shared/data/emnist.`,
        );
      }
      if (!res.ok || !res.body) fail(`${URL_} answered HTTP ${res.status}; try again later or set EMNIST_DIR to a folder with the official files`);
      const total = Number(res.headers.get('content-length') ?? 0);
      let got = 0;
      let shown = 0;
      const body = Readable.fromWeb(res.body as never).on('data', (c: Buffer) => {
        got += c.length;
        if (got - shown > 20e6) {
          shown = got;
          process.stdout.write(`\r  ${(got / 1e6).toFixed(0)} MB${total ? ` of ${(total / 1e6).toFixed(0)} MB` : ''}`);
        }
      });
      await pipeline(body, fs.createWriteStream(`${zip}.part`));
      fs.renameSync(`${zip}.part`, zip);
      console.log('');
    }
    console.log('Extracting the ByMerge files …');
    try {
      execFileSync('unzip', ['-o', '-j', zip, ...FILES.map((f) => `gzip/${f}`), '-d', dir], { stdio: 'inherit' });
    } catch {
      fail(`could not extract ${zip} (is \`unzip\` installed?); extract gzip/emnist-bymerge-* into ${dir} by hand`);
    }
  }
  console.log('Checking …');
  const ds = await loadDataset({ kind: 'emnist', dir });
  const counts = Object.fromEntries(ds.sources.map((s) => [s.role, s.count]));
  if (counts.train !== EXPECTED.train || counts.test !== EXPECTED.test || ds.classNames.length !== EXPECTED.classes) {
    fail(`unexpected contents: train ${counts.train}, test ${counts.test}, classes ${ds.classNames.length} (expected ${EXPECTED.train}, ${EXPECTED.test}, ${EXPECTED.classes}); delete ${dir} and retry`);
  }
  fs.rmSync(zip, { force: true });
  console.log(`EMNIST ByMerge is ready: ${ds.count} images in ${dir}\nStart the server with EMNIST_DIR=${dir}`);
}

main().catch((err) => fail((err as Error).message));
