/**
 * `npm run bench` — prints the trainer's speed and memory figures on this machine, with the load average
 * at the start and the end (on a shared machine only ratios measured in one run compare):
 *  1. training throughput (samples/s, batch 512, Adam) of M0's 784-128-64-47, M1g's 784-400-240-120-47,
 *     M1h's 784-370-370-47 and M2 (M1g on the layers engine) at 1 and 2 compute threads, each in a fresh
 *     process, on the native CPU path (wasm + OpenBLAS); M1g also with the other thread split (one replica,
 *     BLAS on every thread) and on the wasm kernels alone (NATIVE_BLAS=0: the route without native kernels);
 *     peak RSS of each;
 *  1b. PyTorch side by side: the same M1g work in PyTorch at its three sensible thread settings (torch 1 ×
 *     OpenBLAS 2, 2 × 1, 1 × 1) alternating with ours at our three plans, best of two rounds each (load
 *     from other processes comes in bursts); goal: ours ≥ 1.25× PyTorch's best; and the single-thread ratio;
 *  1c. evaluation (the test split's clean pass and both robustness protocols, σ 0.1–0.5: eleven passes)
 *     beside PyTorch inference of the same passes at the same three settings; goal ≥ 1.25×;
 *  2. one [512×784]ᵀ·[512×400] product: stock wasm kernel, transpose-free override, OpenBLAS;
 *  2b. the layers engine's time per step next to the scratch engine's, plus M3a/M3b;
 *  3. with EMNIST_DIR set: load time and one real epoch of M1g on every core, extrapolated to the
 *     study's 566,667-image training split, and the process memory while doing it;
 *  3b. with EMNIST_DIR set: a whole 3-epoch M1b run on 1 thread and on every core, and the share of it
 *     spent evaluating (train/test passes and the robustness curve);
 *  4. full ByMerge scale: a synthetic pool of all 814,255 images (uint8), split and streamed for 200
 *     batches (memory stays proportional to the uint8 data, ≈ 640 MB), then one M1g epoch over its
 *     570k-image training split on every core.
 */
import * as tf from '@tensorflow/tfjs';
import { withOverrides } from '../config/schema';
import { findPreset } from '../config/presets';
import { activeBackend, initBackend, kernelLibrary, setKernelThreads, type BackendChoice } from '../engine/backend';
import { loadDataset } from '../data/load';
import type { Dataset } from '../data/dataset';
import { splitDataset } from '../data/split';
import { createModel } from '../engine/factory';
import { trainModel } from '../train/loop';
import { BatchStream } from '../data/batches';
import { ReplicaPool } from '../parallel/replicaPool';
import { hostCores, planThreads } from '../parallel/threads';
import { runExperiment } from '../run';
import type { ThroughputFigure } from './throughput';
import { benchTransposedMatMul } from './matmul';
import { benchLayersEngine, formatLayersBench, STUDY_LAYERS_EXTRAS } from './layers';
import { findTorchPython, loadAverage, ourEvaluation, ourThroughput, TORCH_SETTINGS, torchThroughput, type OurOptions, type TorchFigure } from './sideBySide';
import { formatSideBySide, torchSideBySide } from './torchCompare';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

const M1G = [400, 240, 120];

async function main(): Promise<void> {
  const backend = await initBackend((process.env.BACKEND as BackendChoice | undefined) ?? 'auto');
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  const all = Math.max(2, hostCores());
  console.log(`backend: ${backend} + ${kernelLibrary()}   node ${process.version}   ${hostCores()} cores   ${new Date().toISOString()}`);
  console.log(loadAverage());

  const pool = 120_000;
  console.log(`\n1. training throughput, batch 512, Adam (each figure a fresh process; ${fmt(pool)}-image shared uint8 pool of ${mb(pool * 785)})`);
  const runs: { name: string; hidden: number[]; threads: number; options: OurOptions }[] = [];
  for (const [name, hidden] of [['M0', [128, 64]], ['M1g', M1G], ['M1h', [370, 370]]] as const) {
    for (const threads of [1, all]) runs.push({ name, hidden: [...hidden], threads, options: {} });
  }
  runs.push({ name: 'M1g', hidden: M1G, threads: all, options: { split: 'blas' } });
  runs.push({ name: 'M1g', hidden: M1G, threads: 1, options: { native: false } });
  runs.push({ name: 'M1g', hidden: M1G, threads: all, options: { native: false } });
  for (const threads of [1, all]) runs.push({ name: 'M2', hidden: M1G, threads, options: { engine: 'layers' } });
  const figures: (ThroughputFigure & { name: string })[] = [];
  for (const r of runs) figures.push({ ...(await ourThroughput(r.hidden, r.threads, { seconds, images: pool, backend, ...r.options })), name: r.name });
  console.log(table([
    ['preset', 'network', 'engine', 'kernels', 'threads', 'replicas × BLAS', 'samples/s', 'ms/step', 'cores busy', 'peak RSS'],
    ...figures.map((f) => [f.name, f.network, f.engine, f.kernels, String(f.threads), `${f.replicas} × ${f.blasThreads}`, fmt(f.samplesPerSecond), f.msPerStep.toFixed(1), f.coresBusy.toFixed(2), mb(f.peakRss)]),
  ]));
  const m1g = figures.filter((f) => f.name === 'M1g' && f.engine === 'scratch');
  const nativeBest = m1g.filter((f) => f.kernels !== 'XNNPACK').reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a));
  const wasmBest = m1g.filter((f) => f.kernels === 'XNNPACK').reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a), nativeBest);
  if (wasmBest !== nativeBest) console.log(`M1g: native kernels / wasm kernels, best of each: ${(nativeBest.samplesPerSecond / wasmBest.samplesPerSecond).toFixed(2)}× (NATIVE_SPEEDUP in trainer/engine/backend.ts quotes this)`);
  console.log('"cores busy" below the threads shows the cores other processes left; peak RSS includes the shared pool');

  console.log('\n1b. M1g training beside PyTorch (same run, same pool size, synthetic images; alternating, best of 2 rounds each)');
  const sideBySide = await torchSideBySide(seconds);
  if (sideBySide) console.log(formatSideBySide(sideBySide));

  console.log('\n1c. evaluation: the clean test pass and both robustness protocols (σ 0.1–0.5), 23,258 images × 11 passes, M1g');
  // Alternating ours and PyTorch's settings, best of two rounds each, as in 1b.
  const python = await findTorchPython();
  const evals: ThroughputFigure[] = [];
  const torchEval: TorchFigure[] = [];
  const plans = [1, all, all];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < plans.length; i++) {
      const e = await ourEvaluation(plans[i], { native: i < 2 });
      const figure: ThroughputFigure = { network: '784-400-240-120-47', engine: 'inference', threads: e.threads, replicas: e.threads, blasThreads: 1, kernels: e.kernels, samplesPerSecond: e.imagesPerSecond, msPerStep: 0, steps: 0, coresBusy: 0, peakRss: 0 };
      if (!evals[i] || figure.samplesPerSecond > evals[i].samplesPerSecond) evals[i] = figure;
      if (!python) continue;
      const [threads, blas] = TORCH_SETTINGS[i];
      const t = await torchThroughput(python, threads, blas, { seconds, mode: 'eval' });
      if (!torchEval[i] || t.samplesPerSecond > torchEval[i].samplesPerSecond) torchEval[i] = t;
    }
  }
  if (torchEval.length) console.log(formatSideBySide({ ours: evals.slice(0, 2), torch: torchEval, unit: 'images/s' }));
  else console.log('PyTorch side by side: skipped (no python3 with torch)');
  console.log(`  ours on the wasm kernels (NATIVE_BLAS=0), ${evals[2].threads} threads: ${fmt(evals[2].samplesPerSecond)} images/s; native / wasm kernels: ${(evals[1].samplesPerSecond / evals[2].samplesPerSecond).toFixed(2)}×`);

  if (activeBackend() === 'wasm') {
    console.log('\n2. transposed matmul [512×784]ᵀ·[512×400] on wasm, one thread');
    setKernelThreads(1);
    const m = benchTransposedMatMul();
    console.log(table([
      ['kernel', 'ms', 'GFLOP/s'],
      ['stock BatchMatMul with transposeA', m.stockMs.toFixed(1), m.stockGflops.toFixed(1)],
      ['transpose-free override (explicit transpose)', m.overrideMs.toFixed(1), m.overrideGflops.toFixed(1)],
      ...(m.nativeMs ? [[`${kernelLibrary()} sgemm on the wasm heap`, m.nativeMs.toFixed(1), m.nativeGflops!.toFixed(1)]] : []),
    ]));
  }

  console.log('\n2b. layers engine (tf.layers + autograd) next to the scratch engine, same network and backend, one thread');
  console.log(formatLayersBench(await benchLayersEngine({ backend, hidden: M1G, extras: STUDY_LAYERS_EXTRAS })));

  const dir = process.env.EMNIST_DIR;
  if (dir) {
    const t0 = performance.now();
    const ds = await loadDataset({ kind: 'emnist', dir });
    await realEpoch(ds, `\n3. one real epoch of M1g on EMNIST (stratified 70/10/20 of the files present), ${all} threads`, t0);
    await evaluationShare(ds, backend);
  } else console.log('\n3. real epoch and evaluation share: skipped (set EMNIST_DIR to the EMNIST folder)');
  await fullScale();
  console.log(`\n${loadAverage()}`);
}

/** Section 3b: a whole 3-epoch M1b run (training, evaluation, robustness) on 1 thread and on every core. */
async function evaluationShare(ds: Dataset, backend: string): Promise<void> {
  console.log('\n3b. a 3-epoch M1b run on EMNIST: where the time goes (goal: evaluation ≤ 15% of the run)');
  const rows: string[][] = [['threads', 'total', 'training', 'evaluation', 'evaluation share', 'test accuracy']];
  for (const threads of [1, Math.max(2, hostCores())]) {
    const config = withOverrides(findPreset('M1b').config, { epochs: 3, backend: backend as BackendChoice, threads });
    const r = await runExperiment(config, { dataset: ds });
    rows.push([String(r.threads), `${r.timings.totalSeconds.toFixed(1)} s`, `${r.timings.trainSeconds.toFixed(1)} s`, `${r.timings.evalSeconds.toFixed(1)} s`, `${((100 * r.timings.evalSeconds) / r.timings.totalSeconds).toFixed(1)}%`, `${(100 * r.test!.accuracy).toFixed(2)}%`]);
  }
  console.log(table(rows));
  console.log('evaluation = final train-split pass, clean test pass (accuracy, confusion, per-image outputs) and the noisy robustness passes; validation per epoch counts as training time');
}

/** Section 4: a full-size uint8 pool, the stratified split and 200 streamed batches; RSS along the way; then one M1g epoch on it. */
async function fullScale(): Promise<void> {
  console.log('\n4. full ByMerge scale (814,255 synthetic 28×28 images)');
  const rss0 = process.memoryUsage().rss;
  const count = 814_255;
  const images = new Uint8Array(new SharedArrayBuffer(count * 784));
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  for (let i = 0; i < count; i++) {
    labels[i] = i % 47;
    images[i * 784 + (i % 784)] = 255; // touch every image so its pages are really resident
  }
  const ds: Dataset = { name: 'synthetic', images, labels, count, rows: 28, cols: 28, classNames: Array.from({ length: 47 }, (_, i) => String(i)), transposed: true, sources: [{ file: 'synthetic', role: 'train' as const, start: 0, count }] };
  const rssPool = process.memoryUsage().rss;
  const split = splitDataset(ds, { mode: 'stratified', train: 0.7, val: 0.1, test: 0.2 }, 42);
  const stream = new BatchStream(ds, split.train, 512, { shuffleSeed: 42 });
  let peak = process.memoryUsage().rss;
  let n = 0;
  for (const batch of stream.epoch()) {
    batch.x.dispose();
    peak = Math.max(peak, process.memoryUsage().rss);
    if (++n === 200) break;
  }
  console.log(table([
    ['figure', 'value'],
    ['uint8 pool', mb(images.byteLength + labels.byteLength)],
    ['RSS growth for the pool', mb(rssPool - rss0)],
    ['split index arrays', mb(split.train.byteLength + split.val.byteLength + split.test.byteLength)],
    ['peak RSS growth while streaming 200 batches', mb(peak - rss0)],
  ]));
  await realEpoch(ds, `\n4b. one M1g epoch over the full-scale pool's training split, ${Math.max(2, hostCores())} threads`, null);
}

/** One M1g epoch (training + validation) on every core, as a run plans its threads; prints time, throughput and memory. */
async function realEpoch(ds: Dataset, title: string, loadStarted: number | null): Promise<void> {
  const loadSeconds = loadStarted === null ? null : (performance.now() - loadStarted) / 1000;
  const threads = Math.max(2, hostCores());
  console.log(title);
  const config = withOverrides(findPreset('M1g').config, { epochs: 1, backend: activeBackend(), threads });
  const split = splitDataset(ds, config.split, config.seed);
  const model = createModel(config, 784, ds.classNames.length);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const plan = planThreads(threads, setKernelThreads(1));
  setKernelThreads(plan.blasThreads);
  const pool = plan.replicas > 1 ? await ReplicaPool.start({ threads: plan.replicas, backend: activeBackend(), config, dataset: ds, inputSize: 784, classes: ds.classNames.length, trainRows: split.train.length, weights: model.snapshot() }) : null;
  const outcome = await trainModel(model, ds, split, config, { onBatch: () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss)) }, {}, pool ?? undefined).finally(() => pool?.close());
  const epoch = outcome.history[0];
  model.dispose();
  setKernelThreads(1);
  const fullTrain = 566_667;
  console.log(table([
    ['figure', 'value'],
    ['compute', `${activeBackend()} + ${kernelLibrary()}, ${plan.replicas} replica(s) × ${plan.blasThreads} BLAS thread(s)`],
    ['images (uint8 pool)', `${fmt(ds.count)} (${mb(ds.images.byteLength)})`],
    ...(loadSeconds === null ? [] : [['load + gunzip time', `${loadSeconds.toFixed(1)} s`]]),
    ['training split', fmt(split.train.length)],
    ['epoch time (train + val)', `${epoch.seconds.toFixed(1)} s`],
    ['training throughput', `${fmt(epoch.samplesPerSecond)} samples/s`],
    ...(split.train.length < fullTrain ? [['extrapolated epoch over 566,667 images', `${(fullTrain / epoch.samplesPerSecond).toFixed(0)} s`]] : []),
    ['process RSS before / peak during epoch', `${mb(rssBefore)} / ${mb(peakRss)}`],
    ['tfjs tensors / bytes after', `${tf.memory().numTensors} / ${mb(tf.memory().numBytes)}`],
  ]));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
