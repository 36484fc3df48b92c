/**
 * `predict(runIds, pixels)`: a drawing (or a test image) through each chosen run's saved model, on the
 * server. The drawing arrives preprocessed and upright (trainer/data/drawing.ts: 28×28, uint8, row after
 * row); each model gets it in its dataset's stored order (EMNIST's transposition), scaled to [0,1] as
 * training scaled it, and answers its top classes with probabilities. Every problem is the caller's to
 * fix and named: an empty drawing, the wrong number of pixels, a value outside 0…255, an unknown run,
 * one without a saved model (unfinished, never saved, deleted), a run on images of another size.
 * Models come from the in-memory LRU (modelCache.ts).
 */
import path from 'node:path';
import { toStoredOrder } from '../../trainer/data/drawing';
import { inputError } from '../errors';
import { cachedModel, ModelGone, predictionBackend } from './modelCache';

export const DRAWING_ROWS = 28;
export const DRAWING_COLS = 28;
/** Runs per request (the playground shows them side by side). */
export const MAX_PREDICT_RUNS = 12;

export interface PredictableRun {
  id: string;
  name: string;
  status: string;
  dataset: string;
  modelPath: string | null;
  warning: string | null;
}

export interface ClassProbability {
  classIndex: number;
  label: string;
  probability: number;
}

export interface RunPrediction {
  runId: string;
  name: string;
  dataset: string;
  classes: ClassProbability[];
}

/** Refuses a pixel list that is not one 28×28 drawing with something drawn on it. */
export function checkPixels(pixels: readonly number[]): void {
  const n = DRAWING_ROWS * DRAWING_COLS;
  if (pixels.length !== n) throw inputError(`pixels: expected ${n} values (${DRAWING_ROWS}×${DRAWING_COLS}, row after row), got ${pixels.length}`, [{ field: 'pixels', message: `expected ${n} values` }]);
  const bad = pixels.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 255);
  if (bad >= 0) throw inputError(`pixels[${bad}]: ${pixels[bad]} is outside 0…255 (one byte of ink per pixel)`, [{ field: `pixels[${bad}]`, message: 'outside 0…255' }]);
  if (!pixels.some((v) => v > 0)) throw inputError('pixels: the drawing is empty (every pixel is 0); draw a character first', [{ field: 'pixels', message: 'empty drawing' }]);
}

/** Refuses run id lists that are empty, too long or repeat a run. */
export function checkRunIds(runIds: readonly string[]): void {
  if (!runIds.length) throw inputError('runIds: choose at least one run', [{ field: 'runIds', message: 'empty' }]);
  if (runIds.length > MAX_PREDICT_RUNS) throw inputError(`runIds: at most ${MAX_PREDICT_RUNS} runs at a time (got ${runIds.length})`, [{ field: 'runIds', message: `at most ${MAX_PREDICT_RUNS}` }]);
  if (new Set(runIds).size !== runIds.length) throw inputError('runIds: a run is listed twice', [{ field: 'runIds', message: 'duplicate' }]);
}

function noModel(run: PredictableRun, why: string) {
  return inputError(`run ${run.id} (${run.name}) ${why}`, [{ field: 'runIds', message: `${run.id}: no model` }]);
}

/** Each run's top `top` classes for the upright drawing `pixels`, in the order of `runs`. */
export async function predictRuns(runs: PredictableRun[], pixels: readonly number[], top: number): Promise<RunPrediction[]> {
  checkPixels(pixels);
  if (!Number.isInteger(top) || top < 1 || top > 47) throw inputError('top: between 1 and 47 classes', [{ field: 'top', message: 'between 1 and 47' }]);
  for (const run of runs) {
    if (run.status !== 'SUCCEEDED') throw noModel(run, `has not finished (${run.status}): only a finished run has a saved model`);
    if (!run.modelPath) throw noModel(run, `has no saved model${run.warning ? ` (${run.warning})` : ''}; clone it to train one`);
  }
  const models = await Promise.all(
    runs.map((run) =>
      cachedModel(run.modelPath!).catch((err: unknown) => {
        if (err instanceof ModelGone) throw noModel(run, `has no saved model on this server any more (${path.basename(path.dirname(run.modelPath!))}/${path.basename(run.modelPath!)} was deleted or saved on another host)`);
        throw err;
      }),
    ),
  );
  await predictionBackend();
  const tf = await import('@tensorflow/tfjs');
  return runs.map((run, k) => {
    const { model, manifest } = models[k];
    const { rows, cols, transposed } = manifest.image;
    if (rows * cols !== DRAWING_ROWS * DRAWING_COLS || manifest.inputSize !== rows * cols) {
      throw inputError(`run ${run.id} (${run.name}) was trained on ${rows}×${cols} images (${manifest.inputSize} inputs); a drawing is ${DRAWING_ROWS}×${DRAWING_COLS}`, [{ field: 'runIds', message: `${run.id}: other image size` }]);
    }
    const stored = toStoredOrder(pixels, rows, cols, transposed);
    const x = Float32Array.from(stored, (v) => v / 255); // as gatherScaled scales training batches
    // The probabilities exactly as the evaluation computes them (trainer/eval/inference.ts).
    const probs = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(x, [1, rows * cols]));
      return tf.exp(tf.sub(logits, tf.logSumExp(logits, 1, true))).dataSync() as Float32Array;
    });
    const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b).slice(0, Math.min(top, probs.length));
    return { runId: run.id, name: run.name, dataset: run.dataset, classes: order.map((c) => ({ classIndex: c, label: manifest.classNames[c] ?? String(c), probability: probs[c] })) };
  });
}
