/**
 * Where tests find the real EMNIST data: EMNIST_DIR (CI sets it to ../shared/data/emnist). Tests that
 * need it are skipped, with the reason in their name, when it is not set.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const EMNIST_DIR = process.env.EMNIST_DIR ? path.resolve(process.env.EMNIST_DIR) : null;
export const hasEmnist = EMNIST_DIR !== null && existsSync(path.join(EMNIST_DIR, 'emnist-bymerge-mapping.txt'));
export const needsEmnist = hasEmnist ? '' : ' (skipped: set EMNIST_DIR to the EMNIST folder)';

export function fixtureFile(name: string): string {
  return path.join(EMNIST_DIR ?? '', 'fixtures', name);
}
