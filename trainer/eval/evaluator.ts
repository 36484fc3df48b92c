/**
 * Where inference runs: on this thread with the host model (localEvaluator), or on the data-parallel
 * replicas, which take whole blocks each (ReplicaPool.evaluator). Both run inference.ts's inferBlock on
 * the same blocks with the same weights, so every figure is identical whichever runs it.
 */
import type { Dataset } from '../data/dataset';
import type { TrainableModel } from '../engine/model';
import { inferAll, type InferenceOutputs, type InferenceRequest } from './inference';

export interface Evaluator {
  infer(indices: Uint32Array, request: InferenceRequest): Promise<InferenceOutputs>;
}

export function localEvaluator(model: TrainableModel, ds: Dataset): Evaluator {
  return { infer: async (indices, request) => inferAll(model, ds, indices, request) };
}
