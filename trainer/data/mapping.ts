/**
 * Reader for EMNIST mapping files: one line per class, `label ascii_code`, e.g. `10 65` for "A".
 * Returns class names indexed by label; labels must be 0 … n−1 with none missing.
 */
import { readFile } from 'node:fs/promises';
import { DatasetError } from './errors';

export async function readMapping(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DatasetError(file, 'mapping file not found');
  }
  const names = new Map<number, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) throw new DatasetError(file, `line ${i + 1} is not "label ascii_code": "${line.slice(0, 40)}"`);
    names.set(Number(m[1]), String.fromCharCode(Number(m[2])));
  });
  const result: string[] = [];
  for (let label = 0; label < names.size; label++) {
    const name = names.get(label);
    if (name === undefined) throw new DatasetError(file, `labels must be numbered 0…${names.size - 1}; label ${label} is missing`);
    result.push(name);
  }
  return result;
}
