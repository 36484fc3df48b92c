/**
 * Builds the Next.js pages only when they could have changed: `next build` (about a minute on a
 * 2-core machine) runs when the content fingerprint of the pages' sources differs from the one
 * recorded by the last successful build, or when the build output is missing. The sources are
 * everything under app/ and public/, every file outside app/ that those import through relative or
 * '@/' paths (followed transitively, e.g. trainer/config), the Next/PostCSS/TypeScript configs,
 * package-lock.json (dependency versions) and NEXT_PUBLIC_* variables. Contents, not mtimes: a
 * fresh clone or checkout touches every file. `npm start` runs this before the server; the browser
 * tests call buildPages() from their global setup; `npm run build` (--force) always builds.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint, listFiles, readStamp, writeStamp } from './lib/fingerprint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, '.next', 'emnist-pages.sha256');
const ROOTS = ['app', 'public', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];
const CODE = /\.(ts|tsx|js|jsx|mjs)$/;
const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.jsx', '.mjs', '/index.ts', '/index.tsx', '/index.js'];
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function resolveImport(root: string, fromRel: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('.')) base = path.join(path.dirname(fromRel), spec);
  else if (spec.startsWith('@/')) base = spec.slice(2);
  else return null; // a package: covered by package-lock.json
  for (const ext of EXTENSIONS) {
    const candidate = path.normalize(base + ext);
    const abs = path.join(root, candidate);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return candidate;
  }
  return null;
}

/** The files the pages are built from (relative to the repository root), sorted. */
export function pageSources(root = ROOT): string[] {
  const seen = new Set(listFiles(root, ROOTS));
  const queue = [...seen].filter((f) => CODE.test(f));
  while (queue.length) {
    const file = queue.pop()!;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const dep = resolveImport(root, file, m[1]);
      if (dep && !seen.has(dep)) {
        seen.add(dep);
        if (CODE.test(dep)) queue.push(dep);
      }
    }
  }
  return [...seen].sort();
}

export function pagesFingerprint(root = ROOT): string {
  const nextVersion = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules/next/package.json'), 'utf8')) as { version: string }).version;
  const publicEnv = Object.keys(process.env)
    .filter((k) => k.startsWith('NEXT_PUBLIC_'))
    .sort()
    .map((k) => `${k}=${process.env[k]}`);
  return fingerprint(root, pageSources(root), [`next ${nextVersion}`, ...publicEnv]);
}

export interface BuildOutcome {
  built: boolean;
  /** Why it built, or why it did not. */
  reason: string;
  seconds: number;
}

/**
 * Runs `next build` when the pages' sources changed since the last build, the output is missing, or
 * `force`. `quiet` captures Next's output (shown only on failure) instead of streaming it.
 */
export function buildPages({ force = false, quiet = false } = {}): BuildOutcome {
  const t0 = Date.now();
  const wanted = pagesFingerprint();
  const hasOutput = fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'));
  const previous = hasOutput ? readStamp(STAMP) : null;
  if (!force && previous === wanted) return { built: false, reason: 'sources unchanged since the last build', seconds: (Date.now() - t0) / 1000 };
  const reason = force ? 'forced' : !hasOutput ? 'no build yet' : previous ? 'sources changed' : 'no fingerprint recorded for the existing build';
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const output = quiet ? `:\n${(r.stdout ?? '').slice(-4000)}\n${(r.stderr ?? '').slice(-4000)}` : '';
    throw new Error(`next build failed (exit ${r.status})${output}`);
  }
  writeStamp(STAMP, wanted);
  return { built: true, reason, seconds: (Date.now() - t0) / 1000 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  try {
    const outcome = buildPages({ force });
    console.log(
      outcome.built
        ? `[pages] built in ${outcome.seconds.toFixed(0)} s (${outcome.reason})`
        : `[pages] ${outcome.reason}: using the existing build (npm run build forces a rebuild)`,
    );
  } catch (err) {
    console.error(`[pages] ${(err as Error).message}`);
    process.exit(1);
  }
}
