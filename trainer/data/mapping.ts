/**
 * Reader for EMNIST mapping files: one line per class, `label ascii_code`, e.g. `10 65` for "A".
 * Returns class names indexed by label; labels must be 0 … n−1 with none missing, and at most 256
 * (labels are stored as bytes). The file's size is checked before it is read: a mapping is a few
 * hundred bytes, so anything over 1 MB is the wrong file.
 */
import { readFile, stat } from 'node:fs/promises';
import { DatasetError } from './errors';

const MAX_BYTES = 1 << 20;
const MAX_CLASSES = 256;

export async function readMapping(file: string): Promise<string[]> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new DatasetError(file, 'is a folder, not a mapping file');
    if (info.size > MAX_BYTES) throw new DatasetError(file, `is ${info.size.toLocaleString('en-US')} bytes; a mapping file ("label ascii_code" lines) is a few hundred: wrong file?`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'mapping file not found' : `cannot read the mapping file (${code ?? String(err)})`);
  }
  const names = new Map<number, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) throw new DatasetError(file, `line ${i + 1} is not "label ascii_code": "${line.slice(0, 40)}"`);
    const [label, code] = [Number(m[1]), Number(m[2])];
    if (label >= MAX_CLASSES) throw new DatasetError(file, `line ${i + 1}: label ${label} is too large; labels are bytes, 0…${MAX_CLASSES - 1}`);
    if (code > 0x10ffff) throw new DatasetError(file, `line ${i + 1}: ${code} is not a character code`);
    names.set(label, String.fromCodePoint(code));
  });
  if (names.size === 0) throw new DatasetError(file, 'the mapping file is empty; it needs one "label ascii_code" line per class');
  const result: string[] = [];
  for (let label = 0; label < names.size; label++) {
    const name = names.get(label);
    if (name === undefined) throw new DatasetError(file, `labels must be numbered 0…${names.size - 1}; label ${label} is missing`);
    result.push(name);
  }
  return result;
}
