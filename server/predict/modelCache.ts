/**
 * Saved models kept in memory for `predict`: one 784-input MLP answers a drawing in well under a
 * millisecond, while reading and building it takes tens, so models load once and stay in an LRU
 * (PREDICT_CACHE_MB of weights, default 256: ~140 M1g models). Concurrent requests for a model that is
 * loading share the one load (lru-cache's fetch). A model is keyed by its folder and its weights file's
 * size and modification time, so a model saved again is loaded again; one that was deleted is a
 * ModelGone error, however long it was cached. tfjs loads on the first prediction only (the API server
 * needs no tensors otherwise), on PREDICT_BACKEND (default: the best available, as workers choose).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import type { BackendChoice } from '../../trainer/engine/backend';
import type { LoadedModel } from '../../trainer/model/savedModel';

/** The model folder has no readable model now (deleted, never saved here, damaged). */
export class ModelGone extends Error {}

export interface CachedModel extends LoadedModel {
  parameters: number;
}

let backendReady: Promise<void> | null = null;

/** tfjs with its backend, once per process. */
export function predictionBackend(): Promise<void> {
  backendReady ??= (async () => {
    const { initBackend } = await import('../../trainer/engine/backend');
    await initBackend((process.env.PREDICT_BACKEND as BackendChoice | undefined) ?? 'auto');
  })();
  return backendReady;
}

const cache = new LRUCache<string, CachedModel, string>({
  maxSize: Math.max(1, Number(process.env.PREDICT_CACHE_MB ?? 256)) * 2 ** 20,
  sizeCalculation: (m) => Math.max(1, 4 * m.parameters),
  dispose: (m) => m.model.dispose(),
  fetchMethod: async (_key, _stale, { context: dir }) => {
    await predictionBackend();
    const { loadModel } = await import('../../trainer/model/savedModel');
    try {
      const loaded = await loadModel(dir);
      return { ...loaded, parameters: loaded.model.parameterCount };
    } catch (err) {
      throw new ModelGone((err as Error).message);
    }
  },
});

/** The model saved in `dir`, from memory when it has not changed on disk since it was loaded. */
export async function cachedModel(dir: string): Promise<CachedModel> {
  const weights = await stat(path.join(dir, 'weights.bin')).catch(() => null);
  if (!weights?.isFile()) throw new ModelGone(`${path.join(dir, 'weights.bin')} does not exist`);
  const model = await cache.fetch(`${dir}@${weights.size}:${weights.mtimeMs}`, { context: dir });
  if (!model) throw new ModelGone(`${dir}: the model could not be loaded`);
  return model;
}

/** Models in memory now (for tests and the benchmark). */
export const cachedModelCount = () => cache.size;
