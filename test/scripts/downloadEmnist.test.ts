/**
 * `npm run data:emnist` against a local stand-in for the NIST server (port 0): it downloads the archive,
 * extracts the ByMerge files from it and checks them, succeeding only for the official sizes (697,932
 * + 116,323 images, 47 classes; built here as all-zero images, which gzip to almost nothing). Every way
 * it can go wrong ends with exit code 1 and a message that says what happened and what to do.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';

const SCRIPT = path.resolve('scripts/download-emnist.ts');
const OFFICIAL = { train: 697_932, test: 116_323 };

/** IDX files as gzip, the official layout: images [count, 28, 28] and labels [count] (class `i % 47`). */
function idx(kind: 'images' | 'labels', count: number): Buffer {
  const header = Buffer.alloc(kind === 'images' ? 16 : 8);
  header.writeUInt32BE(kind === 'images' ? 0x00000803 : 0x00000801, 0);
  header.writeUInt32BE(count, 4);
  if (kind === 'images') {
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    return zlib.gzipSync(Buffer.concat([header, Buffer.alloc(count * 784)]), { level: 1 });
  }
  return zlib.gzipSync(Buffer.concat([header, Uint8Array.from({ length: count }, (_, i) => i % 47)]));
}

const MAPPING = Buffer.from(Array.from({ length: 47 }, (_, i) => `${i} ${48 + i}`).join('\n') + '\n');

function zipOf(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(data, name, { compress: !name.endsWith('.gz') });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

function archive(counts: { train: number; test: number }, extra: Record<string, Buffer> = {}) {
  return zipOf({
    'gzip/emnist-balanced-mapping.txt': MAPPING, // other splits are in the real archive too
    'gzip/emnist-bymerge-train-images-idx3-ubyte.gz': idx('images', counts.train),
    'gzip/emnist-bymerge-train-labels-idx1-ubyte.gz': idx('labels', counts.train),
    'gzip/emnist-bymerge-test-images-idx3-ubyte.gz': idx('images', counts.test),
    'gzip/emnist-bymerge-test-labels-idx1-ubyte.gz': idx('labels', counts.test),
    'gzip/emnist-bymerge-mapping.txt': MAPPING,
    ...extra,
  });
}

describe('npm run data:emnist', () => {
  const routes = new Map<string, (res: http.ServerResponse) => void>();
  let server: http.Server;
  let base: string;
  let tmp: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'data-emnist-'));
    server = http.createServer((req, res) => {
      const route = routes.get(req.url ?? '');
      if (route) route(res);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const serve = (route: string, body: Buffer) => routes.set(route, (res) => res.writeHead(200, { 'content-length': body.length }).end(body));

  /** Runs the script like a user would, into a fresh folder (asynchronously: the server above shares this process). */
  function run(route: string, name: string, url = `${base}${route}`): Promise<{ code: number; out: string; err: string; dir: string; files: string[] }> {
    const dir = path.join(tmp, name);
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', SCRIPT, dir], { env: { ...process.env, EMNIST_URL: url }, encoding: 'utf8', timeout: 110_000 }, (error, out, err) => {
        resolve({ code: error ? Number(error.code ?? -1) : 0, out, err, dir, files: fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [] });
      });
    });
  }

  it('downloads, extracts and checks the official archive, then removes the archive', async () => {
    serve('/gzip.zip', await archive(OFFICIAL));
    const r = await run('/gzip.zip', 'official');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`EMNIST ByMerge is ready: 814255 images in ${r.dir}`);
    expect(r.out).toContain(`Start the server with EMNIST_DIR=${r.dir}`);
    expect(r.files).toEqual([
      'emnist-bymerge-mapping.txt',
      'emnist-bymerge-test-images-idx3-ubyte.gz',
      'emnist-bymerge-test-labels-idx1-ubyte.gz',
      'emnist-bymerge-train-images-idx3-ubyte.gz',
      'emnist-bymerge-train-labels-idx1-ubyte.gz',
    ]);
  });

  it('refuses an archive whose files are not the official sizes, keeping it to look at', async () => {
    serve('/small.zip', await archive({ train: 470, test: 94 }));
    const r = await run('/small.zip', 'small');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`data:emnist: unexpected contents: train 470, test 94 images, 47 classes (the official ByMerge has 697932, 116323, 47); delete ${r.dir} and run the command again`);
    expect(r.files).toContain('gzip.zip');
  });

  it('says what to do when the server answers with an error, leaving nothing behind', async () => {
    const r = await run('/missing.zip', 'http-error');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`data:emnist: ${base}/missing.zip answered HTTP 404; try again later, or set EMNIST_DIR to a folder with the official files`);
    expect(r.files).toEqual([]);
  });

  it('says when the host cannot be reached, and how to use EMNIST_DIR instead', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await run('', 'unreachable', `http://127.0.0.1:${port}/gzip.zip`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/data:emnist: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(r.err).toContain('set EMNIST_DIR to it');
  });

  it('never takes a broken-off download for the archive', async () => {
    routes.set('/cut.zip', (res) => {
      res.writeHead(200, { 'content-length': 1_000_000 });
      // Cut the connection once the first 1000 bytes have been handed to the socket (they arrive before the close).
      res.write(Buffer.alloc(1000), () => res.destroy());
    });
    const r = await run('/cut.zip', 'cut');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/data:emnist: the download broke off after 1000 of 1000000 bytes .*run the command again/);
    expect(r.files).not.toContain('gzip.zip');
  });

  it('refuses a file that is not a zip archive, or a zip without the ByMerge files', async () => {
    serve('/page.zip', Buffer.from('<html>maintenance</html>'));
    const page = await run('/page.zip', 'not-zip');
    expect(page.code).toBe(1);
    expect(page.err).toMatch(/gzip\.zip is not a readable zip archive \(.+\); delete it and run the command again/);

    serve('/other.zip', await zipOf({ 'gzip/emnist-letters-mapping.txt': MAPPING, 'gzip/emnist-bymerge-mapping.txt': MAPPING }));
    const other = await run('/other.zip', 'other-zip');
    expect(other.code).toBe(1);
    expect(other.err).toContain('gzip.zip does not hold emnist-bymerge-train-images-idx3-ubyte.gz, emnist-bymerge-train-labels-idx1-ubyte.gz, emnist-bymerge-test-images-idx3-ubyte.gz, emnist-bymerge-test-labels-idx1-ubyte.gz; it is not the official EMNIST archive');
    expect(other.files).toEqual(['gzip.zip']); // no half-extracted files left
  });
});
