/**
 * Shared command-line plumbing: where the data is (--data, EMNIST_DIR, or explicit --images/--labels
 * pairs), and config overrides from flags. Errors are printed as one clear line and exit code 2.
 */
import path from 'node:path';
import { DEFAULT_CONFIG } from '../config/schema';
import { loadDataset, type DatasetSpec, type Role } from '../data/load';
import type { Dataset } from '../data/dataset';

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** Role of an IDX/CSV file from its name: files named *train* are training data, anything else test. */
function roleOf(file: string): Role {
  return /train/i.test(path.basename(file)) ? 'train' : 'test';
}

export function datasetSpecFromArgs(opts: { data?: string; images?: string[]; labels?: string[]; mapping?: string; name?: string; transposed?: boolean; fixture?: string }): DatasetSpec {
  const images = opts.images ?? [];
  const labels = opts.labels ?? [];
  if (images.length || labels.length) {
    if (images.length !== labels.length) fail(`give one --labels file for each --images file (got ${images.length} images, ${labels.length} labels)`);
    const csv = images.every((f) => /\.csv(\.gz)?$/i.test(f));
    const name = opts.name ?? path.basename(images[0]).replace(/[-_.](train|test).*$/i, '').replace(/\..*$/, '');
    if (csv) return { kind: 'csv', name, files: images.map((file) => ({ file, role: roleOf(file) })), mapping: opts.mapping, transposed: opts.transposed };
    return { kind: 'idx', name, files: images.map((img, i) => ({ images: img, labels: labels[i], role: roleOf(img) })), mapping: opts.mapping, transposed: opts.transposed };
  }
  const dir = opts.data ?? process.env.EMNIST_DIR;
  if (!dir) fail('no data: pass --data DIR (a folder with the EMNIST ByMerge files) or set EMNIST_DIR, or name files with --images/--labels');
  const fixture = opts.fixture as 'strat100' | 'first1000' | undefined;
  if (fixture && fixture !== 'strat100' && fixture !== 'first1000') fail(`--fixture must be strat100 or first1000, not "${fixture}"`);
  return { kind: 'emnist', dir, fixture };
}

export async function loadDatasetOrExit(spec: DatasetSpec): Promise<Dataset> {
  try {
    return await loadDataset(spec);
  } catch (err) {
    fail((err as Error).message);
  }
}

/** parseArgs options every training command shares: where the data is and the common config flags. */
export const TRAINING_FLAG_OPTIONS = {
  preset: { type: 'string' }, data: { type: 'string' }, fixture: { type: 'string' },
  images: { type: 'string', multiple: true }, labels: { type: 'string', multiple: true }, mapping: { type: 'string' },
  epochs: { type: 'string' }, seed: { type: 'string' }, lr: { type: 'string' }, 'batch-size': { type: 'string' },
  hidden: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, set: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export type FlagValues = Record<string, string | string[] | boolean | undefined>;

/** A --set value: JSON where it parses (numbers, arrays, objects, quoted strings), else the raw text. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Config overrides from the common flags (--epochs, --seed, --lr, --batch-size, --threads, --hidden,
 * --engine, --backend, --split) and from each --set field=value. Fields in `locked` cannot be set by this command.
 */
export function overridesFromFlags(values: FlagValues, locked: string[] = []): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const [flag, field] of [['epochs', 'epochs'], ['seed', 'seed'], ['lr', 'lr'], ['batch-size', 'batchSize'], ['threads', 'threads']] as const) {
    if (values[flag] !== undefined) overrides[field] = Number(values[flag]);
  }
  if (values.hidden !== undefined) overrides.hidden = String(values.hidden).split(',').filter(Boolean).map(Number);
  if (values.engine !== undefined) overrides.engine = values.engine;
  if (values.backend !== undefined) overrides.backend = values.backend;
  if (values.split === 'official') overrides.split = { mode: 'official', valFraction: 0.1 };
  else if (values.split !== undefined && values.split !== 'stratified') fail(`--split must be stratified or official, not "${values.split}"`);
  const settable = Object.keys(DEFAULT_CONFIG).filter((f) => !locked.includes(f));
  for (const assignment of (values.set as string[] | undefined) ?? []) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) fail(`--set needs field=value, got "${assignment}"`);
    const field = assignment.slice(0, eq);
    if (!settable.includes(field)) fail(`--set ${field}: ${field in DEFAULT_CONFIG ? 'not a field this command can set' : 'unknown config field'}; settable fields: ${settable.join(', ')}`);
    overrides[field] = parseValue(assignment.slice(eq + 1));
  }
  return overrides;
}
