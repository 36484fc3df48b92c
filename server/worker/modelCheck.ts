/**
 * Whether a model the trainer just saved is whole: model.json parses and weights.bin holds every float
 * its manifest lists. A disk that fills up during the save can leave a short weights.bin behind without
 * every layer of the stack reporting it, and a run recorded as SUCCEEDED with such a folder breaks
 * predict and the gallery later (issue 24). The worker checks before it records the model's path.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Null when the saved model is whole, else what is wrong with it in a sentence. */
export async function savedModelProblem(dir: string): Promise<string | null> {
  let weights: { length: number }[];
  try {
    weights = (JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as { weights: { length: number }[] }).weights;
  } catch (err) {
    return `model.json cannot be read (${(err as Error).message})`;
  }
  const expected = 4 * weights.reduce((sum, w) => sum + w.length, 0);
  const size = await stat(path.join(dir, 'weights.bin')).then((s) => s.size, () => null);
  if (size === null) return 'weights.bin is missing';
  return size === expected ? null : `weights.bin holds ${size.toLocaleString('en-US')} of its ${expected.toLocaleString('en-US')} bytes`;
}
