/**
 * `npm run data:emnist [dir]`: downloads the official EMNIST archive from NIST (gzip.zip, about 536 MB),
 * extracts the ByMerge files into `dir` (default .data/emnist), checks them (IDX headers, image counts
 * 697,932 + 116,323, 47 classes), and prints the EMNIST_DIR line to use. Where the NIST host cannot be
 * reached it fails at once with what to do instead. EMNIST_URL overrides the archive's address (a
 * mirror inside a locked-down network).
 *
 * The archive is read with yauzl rather than the `unzip` command, which many machines lack. A download
 * is written to gzip.zip.part and renamed only when complete, so an interrupted one is never taken for
 * the archive; a complete archive is kept until its files have passed the check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import yauzl from 'yauzl';
import { loadDataset } from '../trainer/data/load';

const ARCHIVE_URL = process.env.EMNIST_URL ?? 'https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip';
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

class DownloadError extends Error {}

async function download(url: string, target: string): Promise<void> {
  console.log(`Downloading ${url} …`);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(
      `cannot reach ${new URL(url).host} (${cause?.code ?? cause?.message ?? (err as Error).message}).\n` +
        `This machine has no route to the download server. Instead, copy the official files\n` +
        `(${FILES.join(', ')}) into a folder and set EMNIST_DIR to it, e.g. EMNIST_DIR=../shared/data/emnist.`,
    );
  }
  if (!res.ok || !res.body) throw new DownloadError(`${url} answered HTTP ${res.status}; try again later, or set EMNIST_DIR to a folder with the official files`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const bar = process.stdout.isTTY && total ? new cliProgress.SingleBar({ format: '  {bar} {percentage}% · {got} of {size} MB · ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  bar?.start(total, 0, { got: 0, size: (total / 1e6).toFixed(0) });
  let got = 0;
  const body = Readable.fromWeb(res.body as never).on('data', (chunk: Buffer) => {
    got += chunk.length;
    bar?.update(got, { got: (got / 1e6).toFixed(0) });
  });
  const part = `${target}.part`;
  try {
    await pipeline(body, fs.createWriteStream(part));
  } catch (err) {
    throw new DownloadError(`the download broke off after ${got} of ${total || '?'} bytes (${(err as Error).message}); run the command again`);
  } finally {
    bar?.stop();
  }
  if (total && got !== total) throw new DownloadError(`the download stopped at ${got} of ${total} bytes; run the command again`);
  fs.renameSync(part, target);
  console.log(`  ${(got / 1e6).toFixed(0)} MB downloaded`);
}

/** Writes the archive's entries named in FILES (in any folder of the archive) into `into`. */
async function extractByMerge(zipPath: string, into: string): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath);
  } catch (err) {
    throw new DownloadError(`${zipPath} is not a readable zip archive (${(err as Error).message}); delete it and run the command again`);
  }
  const found = new Set<string>();
  try {
    for await (const entry of zip.eachEntry()) {
      const name = path.posix.basename(entry.fileName);
      if (!FILES.includes(name) || found.has(name)) continue;
      found.add(name);
      console.log(`  ${name}`);
      const stream = await zip.openReadStreamPromise(entry);
      await pipeline(stream, fs.createWriteStream(path.join(into, `${name}.part`)));
    }
  } catch (err) {
    throw new DownloadError(`${zipPath} is damaged (${(err as Error).message}); delete it and run the command again`);
  } finally {
    zip.close();
  }
  const missing = FILES.filter((f) => !found.has(f));
  if (missing.length) {
    for (const f of found) fs.rmSync(path.join(into, `${f}.part`), { force: true });
    throw new DownloadError(`${zipPath} does not hold ${missing.join(', ')}; it is not the official EMNIST archive (gzip.zip). Delete it and run the command again`);
  }
  for (const f of FILES) fs.renameSync(path.join(into, `${f}.part`), path.join(into, f));
}

async function main() {
  fs.mkdirSync(dir, { recursive: true });
  const zip = path.join(dir, 'gzip.zip');
  if (!FILES.every((f) => fs.existsSync(path.join(dir, f)))) {
    if (!fs.existsSync(zip)) await download(ARCHIVE_URL, zip);
    console.log('Extracting the ByMerge files …');
    await extractByMerge(zip, dir);
  }
  console.log('Checking …');
  const ds = await loadDataset({ kind: 'emnist', dir });
  const counts = Object.fromEntries(ds.sources.map((s) => [s.role, s.count]));
  if (counts.train !== EXPECTED.train || counts.test !== EXPECTED.test || ds.classNames.length !== EXPECTED.classes) {
    throw new DownloadError(
      `unexpected contents: train ${counts.train ?? 0}, test ${counts.test ?? 0} images, ${ds.classNames.length} classes ` +
        `(the official ByMerge has ${EXPECTED.train}, ${EXPECTED.test}, ${EXPECTED.classes}); delete ${dir} and run the command again`,
    );
  }
  fs.rmSync(zip, { force: true });
  console.log(`EMNIST ByMerge is ready: ${ds.count} images in ${dir}\nStart the server with EMNIST_DIR=${dir}`);
}

main().catch((err) => {
  console.error(`data:emnist: ${(err as Error).message}`);
  process.exit(1);
});
