/**
 * Content fingerprints for "rebuild only when the sources changed": a SHA-256 over the relative path
 * and bytes of every input file (sorted), plus any extra strings (tool versions, settings). File
 * contents, not modification times, because a clone or a checkout gives every file a new mtime.
 * Used by scripts/generate.ts (Prisma client, GraphQL types) and scripts/nextBuild.ts (the pages).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Every regular file under each path (a file stands for itself), relative to root, sorted. Missing paths are skipped. */
export function listFiles(root: string, paths: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const e of fs.readdirSync(abs)) walk(path.join(rel, e));
    else if (st.isFile()) out.push(rel);
  };
  for (const p of paths) walk(p);
  return [...new Set(out)].sort();
}

export function fingerprint(root: string, files: string[], extra: string[] = []): string {
  const h = crypto.createHash('sha256');
  for (const rel of [...files].sort()) {
    h.update(`${rel.split(path.sep).join('/')}\0`);
    h.update(fs.readFileSync(path.join(root, rel)));
    h.update('\0');
  }
  for (const e of extra) h.update(`${e}\0`);
  return h.digest('hex');
}

/** The fingerprint recorded by the last successful run, or null. */
export function readStamp(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export function writeStamp(file: string, value: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${value}\n`);
}
