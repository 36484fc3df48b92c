/**
 * Where inference runs: on this thread with the host model (localEvaluator), or on the data-parallel
 * replicas, which take whole blocks each (ReplicaPool.evaluator). Both run inference.ts's inferBlock on
 * the same blocks with the same weights, so every figure is identical whichever runs it. Both report
 * progress between steps (inference.ts, walkSteps); this thread yields to the event loop after every
 * block, so a worker's heartbeats, notifications and progress writes keep flowing during a long pass.
 */
import type { Dataset } from '../data/dataset';
import type { TrainableModel } from '../engine/model';
import { allocateOutputs, NoiseCache, noiseGroupBlocks, walkSteps, inferStep, type InferenceOutputs, type InferenceProgress, type InferenceRequest } from './inference';

export interface Evaluator {
  infer(indices: Uint32Array, request: InferenceRequest, onProgress?: (p: InferenceProgress) => void): Promise<InferenceOutputs>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function localEvaluator(model: TrainableModel, ds: Dataset): Evaluator {
  // Kept between requests, as each replica keeps its own: the second robustness protocol (same seed,
  // other clipping) then finds its blocks' noise already drawn. A clean pass empties it.
  const cache = new NoiseCache();
  return {
    infer: async (indices, request, onProgress) => {
      const out = allocateOutputs(indices.length, request, false);
      if (request.clean) cache.clear();
      await walkSteps(indices.length, request, { blocksPerStep: 1, noiseGroupBlocks: noiseGroupBlocks(ds.rows * ds.cols) }, async (step) => {
        inferStep(model, ds, indices, step, request, out, cache);
        await yieldToEventLoop();
      }, onProgress);
      return out;
    },
  };
}
