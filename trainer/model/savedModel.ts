/**
 * Saved models: a folder with `model.json` (format, engine, config, layer sizes, class names, image
 * geometry and a weight manifest) and `weights.bin` (every weight as little-endian float32, in
 * manifest order). Both engines save through the same WeightSnapshot, so `npm run evaluate` loads
 * either, and a reloaded model gives identical predictions.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateConfig, type RunConfig } from '../config/schema';
import { createModel } from '../engine/factory';
import type { TrainableModel, WeightSnapshot } from '../engine/model';

export const SAVED_MODEL_FORMAT = 'emnist-dashboard-mlp/1';

export interface ModelManifest {
  format: string;
  engine: RunConfig['engine'];
  config: RunConfig;
  inputSize: number;
  classNames: string[];
  image: { rows: number; cols: number; transposed: boolean };
  backend: string;
  codeVersion: string;
  weights: { name: string; shape: number[]; offset: number; length: number }[];
}

export interface LoadedModel {
  model: TrainableModel;
  manifest: ModelManifest;
}

export async function saveModel(dir: string, model: TrainableModel, meta: Omit<ModelManifest, 'format' | 'engine' | 'weights'>): Promise<void> {
  const snapshot = model.snapshot();
  let offset = 0;
  const weights = snapshot.values.map((v, i) => {
    const entry = { name: snapshot.names[i], shape: snapshot.shapes[i], offset, length: v.length };
    offset += v.length;
    return entry;
  });
  const buffer = new Float32Array(offset);
  snapshot.values.forEach((v, i) => buffer.set(v, weights[i].offset));
  await mkdir(dir, { recursive: true });
  const manifest: ModelManifest = { format: SAVED_MODEL_FORMAT, engine: model.engine, ...meta, weights };
  await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(buffer.buffer));
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(manifest, null, 2));
}

export async function loadModel(dir: string): Promise<LoadedModel> {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelManifest;
  } catch (err) {
    throw new Error(`${path.join(dir, 'model.json')}: cannot read the saved model (${(err as Error).message}); pass the folder written by --save-model`);
  }
  if (manifest.format !== SAVED_MODEL_FORMAT) throw new Error(`${dir}: unknown model format "${manifest.format}", expected ${SAVED_MODEL_FORMAT}`);
  const raw = await readFile(path.join(dir, 'weights.bin'));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const expected = manifest.weights.reduce((s, w) => s + w.length, 0);
  if (all.length !== expected) throw new Error(`${path.join(dir, 'weights.bin')}: holds ${all.length} floats, the manifest lists ${expected}; the model folder is damaged`);
  const snapshot: WeightSnapshot = {
    names: manifest.weights.map((w) => w.name),
    shapes: manifest.weights.map((w) => w.shape),
    values: manifest.weights.map((w) => all.slice(w.offset, w.offset + w.length)),
  };
  const config = validateConfig(manifest.config);
  const model = createModel(config, manifest.inputSize, manifest.classNames.length, snapshot);
  return { model, manifest };
}
