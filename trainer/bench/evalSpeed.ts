/**
 * Evaluation speed, the work a finished run does on its test split: the clean pass (accuracy, confusion,
 * per-image predictions) and the robustness curve, σ 0.1–0.5 under both clipping protocols from one noise
 * draw — eleven passes over the images, exactly as trainer/run.ts makes them, on a run's thread plan
 * (replicas take whole blocks). Images are seeded synthetic ones of EMNIST's shape; an M1g network with
 * He-initialised weights (speed does not depend on the weights). torch_mlp.py --mode eval makes the same
 * passes in PyTorch for the side-by-side figure.
 */
import { findPreset } from '../config/presets';
import { withOverrides } from '../config/schema';
import { setKernelThreads } from '../engine/backend';
import { createModel } from '../engine/factory';
import { localEvaluator } from '../eval/evaluator';
import { noisePass } from '../eval/robustness';
import { ReplicaPool } from '../parallel/replicaPool';
import { planThreads } from '../parallel/threads';
import { activeBackend } from '../engine/backend';
import { syntheticDataset } from './throughput';

export interface EvalFigure {
  threads: number;
  images: number;
  passes: number;
  seconds: number;
  /** Images through the network per second, over all passes. */
  imagesPerSecond: number;
}

/** EMNIST ByMerge's test split in our 70/10/20 split of all 814,255 images is ~162,851; the shared data's is 23,258. */
export async function measureEvaluation(threads: number, images = 23_258): Promise<EvalFigure> {
  const config = withOverrides(findPreset('M1g').config, { threads });
  const ds = syntheticDataset(images, 47, 5);
  const model = createModel(config, 784, 47);
  const plan = planThreads(threads, setKernelThreads(1));
  setKernelThreads(plan.blasThreads);
  const pool = plan.replicas > 1 ? await ReplicaPool.start({ threads: plan.replicas, backend: activeBackend(), config, dataset: ds, inputSize: 784, classes: 47, trainRows: 512, weights: model.snapshot() }) : null;
  const indices = Uint32Array.from({ length: images }, (_, i) => i);
  const robustness = { sigmas: [0, 0.1, 0.2, 0.3, 0.4, 0.5], clip: false, seed: 9 };
  try {
    const evaluator = pool ? pool.evaluator(null) : localEvaluator(model, ds);
    await evaluator.infer(indices.subarray(0, 4096), { clean: true, perSample: true, noise: null }); // warm-up
    const t0 = performance.now();
    await evaluator.infer(indices, { clean: true, perSample: true, noise: null });
    await evaluator.infer(indices, noisePass(robustness)!);
    await evaluator.infer(indices, noisePass({ ...robustness, clip: true })!);
    const seconds = (performance.now() - t0) / 1000;
    const passes = 1 + 2 * 5;
    return { threads: plan.replicas * plan.blasThreads, images, passes, seconds, imagesPerSecond: (images * passes) / seconds };
  } finally {
    await pool?.close();
    model.dispose();
  }
}
