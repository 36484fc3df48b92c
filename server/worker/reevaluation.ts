/**
 * A worker's re-evaluation job (lifecycle: claimReevaluation … storeReevaluation): the saved model of a
 * finished run measured again on the run's test split, without training, to store the per-image
 * predictions of runs evaluated before they were kept. It runs in a trainer worker, never in the API
 * server: loading EMNIST and running tens of thousands of images through a model is a worker's kind of
 * work, and the job queue, heartbeat and reaper of runs cover it the same way.
 *
 * The worker loads the run's dataset (cached per process) and model, takes the run's own split of the
 * data (its config's split and seed), checks that it is the data the run was evaluated on (same test
 * size; its predictions should then reproduce the stored confusion matrix, and how far they are from it
 * is stored beside them), runs the clean test pass with per-image outputs block by block (progress after
 * each), and stores them. A problem (no model file on this host, dataset gone or changed) fails the
 * job with a message saying what; a worker shutting down hands the job back.
 */
import { validateConfig } from '../../trainer/config/schema';
import { splitDataset } from '../../trainer/data/split';
import { initBackend } from '../../trainer/engine/backend';
import { localEvaluator } from '../../trainer/eval/evaluator';
import { encodeTestPredictions, predictionsConfusion } from '../../trainer/eval/testPredictions';
import { loadModel } from '../../trainer/model/savedModel';
import { loadNamedDataset } from '../datasets/catalog';
import * as lifecycle from '../runs/lifecycle';
import type { ClaimedReevaluation, Holder } from '../runs/lifecycle';
import type { Sql } from '../runs/sql';

export interface ReevaluationContext {
  pool: Sql;
  holder: Holder;
  log(message: string): void;
  /** Runs a database write, waiting out outages (the worker's persist). */
  persist<T>(what: string, write: () => Promise<T>): Promise<T>;
  /** The job is no longer ours (the heartbeat said so). */
  lost(): boolean;
  /** The worker is shutting down. */
  stopping(): boolean;
  progressMs: number;
}

/** The job cannot succeed on this worker; the message is the job's error. */
class JobProblem extends Error {}
class Stop extends Error {}

/** Σ |a − b| over the cells of two confusion matrices. */
export function confusionDelta(a: number[][], b: number[][]): number {
  let delta = 0;
  a.forEach((row, i) => row.forEach((v, j) => (delta += Math.abs(v - (b[i]?.[j] ?? 0)))));
  return delta;
}

export async function runReevaluation(job: ClaimedReevaluation, ctx: ReevaluationContext): Promise<void> {
  const { pool, holder, log } = ctx;
  log(`re-evaluating ${job.runId} (${job.name}) on ${job.dataset}, attempt ${job.attempt}`);
  let lastProgress = 0;
  const progress = (p: { phase: string; label: string; done?: number; total?: number }, force = false) => {
    if (ctx.lost()) throw new Stop('lost');
    if (ctx.stopping()) throw new Stop('stopping');
    const now = Date.now();
    if (!force && now - lastProgress < ctx.progressMs) return;
    lastProgress = now;
    void lifecycle.reportReevaluationProgress(pool, holder, job.runId, p).catch(() => {});
  };
  try {
    const config = validateConfig(job.config);
    const dataset = await loadNamedDataset(job.dataset).catch((err: Error) => {
      throw new JobProblem(`the dataset ${job.dataset} cannot be loaded on worker ${holder.host}: ${err.message}`);
    });
    // The run's backend before the model exists, so its weights live there (as in runExperiment).
    await initBackend(config.backend);
    const loaded = await loadModel(job.modelPath).catch((err: Error) => {
      throw new JobProblem(`the saved model cannot be read on worker ${holder.host}: ${err.message}`);
    });
    const { model, manifest } = loaded;
    try {
      if (manifest.inputSize !== dataset.rows * dataset.cols || manifest.classNames.join('\u0000') !== dataset.classNames.join('\u0000')) {
        throw new JobProblem(`the saved model (${manifest.inputSize} inputs, ${manifest.classNames.length} classes) does not fit the dataset ${job.dataset} as it is now (${dataset.rows * dataset.cols} inputs, ${dataset.classNames.length} classes)`);
      }
      const split = splitDataset(dataset, config.split, config.seed);
      if (split.test.length !== job.count) {
        throw new JobProblem(`the dataset ${job.dataset} changed since the run was evaluated: its test split now has ${split.test.length} images, the run's evaluation counted ${job.count}`);
      }
      const total = split.test.length;
      progress({ phase: 'evaluating', label: 'evaluating test set', done: 0, total }, true);
      const out = await localEvaluator(model, dataset).infer(split.test, { clean: true, perSample: true, noise: null }, (p) =>
        progress({ phase: 'evaluating', label: 'evaluating test set', done: p.done, total: p.total }),
      );
      const samples = { indices: split.test, truth: out.truth, predicted: out.predicted, trueProbability: out.trueProbability, top3: out.top3, top3Probability: out.top3Probability };
      const classes = dataset.classNames.length;
      const delta = confusionDelta(predictionsConfusion(samples, classes), job.confusion);
      const stored = { data: encodeTestPredictions(samples, classes), count: total, classes, sources: dataset.sources };
      if (await ctx.persist('storing the re-evaluation', () => lifecycle.storeReevaluation(pool, holder, job.runId, stored, delta))) {
        log(`re-evaluated ${job.runId}: ${total} test predictions stored${delta ? `; they differ from the stored confusion matrix by ${delta} count(s)` : ', reproducing its confusion matrix exactly'}`);
      } else log(`re-evaluation of ${job.runId}: no longer this worker's; nothing stored`);
    } finally {
      model.dispose();
    }
  } catch (err) {
    if (err instanceof Stop) {
      if (err.message === 'stopping' && (await ctx.persist('handing the re-evaluation back', () => lifecycle.handBackReevaluation(pool, holder, job.runId)))) {
        log(`handed back the re-evaluation of ${job.runId}`);
      }
      return;
    }
    const reason = err instanceof JobProblem ? err.message : `re-evaluation failed on worker ${holder.host}: ${(err as Error).message}`;
    log(`re-evaluation of ${job.runId} failed: ${reason}`);
    await ctx.persist('recording the failed re-evaluation', () => lifecycle.failReevaluation(pool, holder, job.runId, reason));
  }
}
