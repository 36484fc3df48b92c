/**
 * `npm run bench` — prints the trainer's speed and memory figures on this machine, with the load average
 * at the start and the end (on a shared machine only ratios measured in one run compare):
 *  1. training throughput (samples/s, batch 512, Adam) of M0's 784-128-64-47 and M1g's 784-400-240-120-47
 *     at 1, 2 and (where there are the cores) 4, 8, … data-parallel threads, each in a fresh process:
 *     scaling against 1 thread, cores kept busy, and peak RSS over a 120k-image shared uint8 pool that the
 *     replicas share, never copy (goals: 2 threads ≥ 1.6× 1 thread for M1g);
 *  1b. PyTorch side by side: the same M1g work in PyTorch at 1 and 2 threads (goal: ours ≥ 1.5× PyTorch
 *     on 2 threads), skipped with a message where PyTorch is absent;
 *  2. the cost of a transposed matrix product with and without our wasm kernel override;
 *  2b. the layers engine's time per step next to the scratch engine's (goal: within 1.5×), plus M3a/M3b;
 *  3. with EMNIST_DIR set: load time and one real epoch of M1g on every core, extrapolated to the
 *     study's 566,667-image training split, and the process memory while doing it;
 *  3b. with EMNIST_DIR set: a whole 3-epoch M1b run on 1 thread and on every core, and the share of it
 *     spent evaluating (train/test passes and the robustness curve; goal ≤ 15%);
 *  4. memory at full scale: a synthetic pool of all 814,255 ByMerge images (uint8), split and streamed
 *     for 200 batches, to show memory stays proportional to the uint8 data (≈ 640 MB).
 */
import * as tf from '@tensorflow/tfjs';
import { withOverrides } from '../config/schema';
import { findPreset } from '../config/presets';
import { activeBackend, initBackend, type BackendChoice } from '../engine/backend';
import { loadDataset } from '../data/load';
import type { Dataset } from '../data/dataset';
import { splitDataset } from '../data/split';
import { createModel } from '../engine/factory';
import { trainModel } from '../train/loop';
import { BatchStream } from '../data/batches';
import { ReplicaPool } from '../parallel/replicaPool';
import { hostCores } from '../parallel/threads';
import { runExperiment } from '../run';
import type { ThroughputFigure } from './throughput';
import { benchTransposedMatMul } from './matmul';
import { benchLayersEngine, formatLayersBench, STUDY_LAYERS_EXTRAS } from './layers';
import { loadAverage, ourThroughput } from './sideBySide';
import { formatSideBySide, torchSideBySide } from './torchCompare';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** 1, 2, then powers of two up to the cores this process may use. */
function threadCounts(): number[] {
  const counts = [1, 2];
  for (let t = 4; t <= hostCores(); t *= 2) counts.push(t);
  if (hostCores() > 2 && !counts.includes(hostCores())) counts.push(hostCores());
  return counts;
}

async function main(): Promise<void> {
  const backend = await initBackend((process.env.BACKEND as BackendChoice | undefined) ?? 'auto');
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  console.log(`backend: ${backend}   node ${process.version}   ${hostCores()} cores   ${new Date().toISOString()}`);
  console.log(loadAverage());

  const pool = 120_000;
  console.log(`\n1. training throughput, batch 512, Adam, by data-parallel threads (each figure a fresh process; ${fmt(pool)}-image shared uint8 pool of ${mb(pool * 785)})`);
  const figures: ThroughputFigure[] = [];
  for (const hidden of [[128, 64], [400, 240, 120]]) for (const threads of threadCounts()) figures.push(await ourThroughput(hidden, threads, { seconds, images: pool, backend }));
  const base = (f: ThroughputFigure) => figures.find((g) => g.network === f.network && g.threads === 1)!;
  console.log(table([
    ['network', 'threads', 'samples/s', 'ms/step', '× 1 thread', 'cores busy', 'samples/core-s', 'peak RSS'],
    ...figures.map((f) => [f.network, String(f.threads), fmt(f.samplesPerSecond), f.msPerStep.toFixed(1), (f.samplesPerSecond / base(f).samplesPerSecond).toFixed(2), f.coresBusy.toFixed(2), fmt(f.samplesPerSecond / f.coresBusy), mb(f.peakRss)]),
  ]));
  console.log('goals: M1g (784-400-240-120-47) 2 threads ≥ 1.6× 1 thread; each replica adds its model and wasm heap, never a copy of the pool');
  console.log('on a busy machine "× 1 thread" shows the cores other processes left; samples per busy core-second shows the parallel efficiency');

  console.log('\n1b. PyTorch side by side (same run)');
  const sideBySide = await torchSideBySide(seconds, figures.filter((f) => f.network === '784-400-240-120-47'));
  if (sideBySide) console.log(formatSideBySide(sideBySide));

  if (activeBackend() === 'wasm') {
    console.log('\n2. transposed matmul [512×784]ᵀ·[512×400] on wasm');
    const m = benchTransposedMatMul();
    console.log(table([['kernel', 'ms', 'GFLOP/s'], ['stock BatchMatMul with transposeA', m.stockMs.toFixed(1), m.stockGflops.toFixed(1)], ['our override (explicit transpose)', m.overrideMs.toFixed(1), m.overrideGflops.toFixed(1)]]));
    console.log(`speed-up: ${(m.stockMs / m.overrideMs).toFixed(1)}×`);
  }

  console.log('\n2b. layers engine (tf.layers + autograd) next to the scratch engine, same network and backend');
  console.log(formatLayersBench(await benchLayersEngine({ backend, hidden: [400, 240, 120], extras: STUDY_LAYERS_EXTRAS })));

  const dir = process.env.EMNIST_DIR;
  if (dir) {
    const ds = await realEpoch(dir, backend);
    await evaluationShare(ds, backend);
  } else console.log('\n3. real epoch and evaluation share: skipped (set EMNIST_DIR to the EMNIST folder)');
  fullScaleMemory();
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

/** Section 4: a full-size uint8 pool, the stratified split and 200 streamed batches; RSS along the way. */
function fullScaleMemory(): void {
  console.log('\n4. memory at full ByMerge scale (814,255 synthetic 28×28 images)');
  const rss0 = process.memoryUsage().rss;
  const count = 814_255;
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 47;
    images[i * 784 + (i % 784)] = 255; // touch every image so its pages are really resident
  }
  const ds = { name: 'synthetic', images, labels, count, rows: 28, cols: 28, classNames: Array.from({ length: 47 }, (_, i) => String(i)), transposed: true, sources: [{ file: 'synthetic', role: 'train' as const, start: 0, count }] };
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
}

async function realEpoch(dir: string, backend: string): Promise<Dataset> {
  const threads = Math.max(2, hostCores());
  console.log(`\n3. one real epoch of M1g on EMNIST (stratified 70/10/20 of the files present), ${threads} threads`);
  const t0 = performance.now();
  const ds = await loadDataset({ kind: 'emnist', dir });
  const loadSeconds = (performance.now() - t0) / 1000;
  const config = withOverrides(findPreset('M1g').config, { epochs: 1, backend: backend as BackendChoice });
  const split = splitDataset(ds, config.split, config.seed);
  const model = createModel(config, 784, ds.classNames.length);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const pool = await ReplicaPool.start({ threads, backend: activeBackend(), config, dataset: ds, inputSize: 784, classes: ds.classNames.length, trainRows: split.train.length, weights: model.snapshot() });
  const outcome = await trainModel(model, ds, split, config, { onBatch: () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss)) }, {}, pool).finally(() => pool.close());
  const epoch = outcome.history[0];
  model.dispose();
  const fullTrain = 566_667;
  console.log(table([
    ['figure', 'value'],
    ['images loaded (uint8 pool)', `${fmt(ds.count)} (${mb(ds.images.byteLength)})`],
    ['load + gunzip time', `${loadSeconds.toFixed(1)} s`],
    ['training split', fmt(split.train.length)],
    ['epoch time (train + val)', `${epoch.seconds.toFixed(1)} s`],
    ['training throughput', `${fmt(epoch.samplesPerSecond)} samples/s`],
    ['extrapolated epoch over 566,667 images', `${((fullTrain / epoch.samplesPerSecond)).toFixed(0)} s`],
    ['process RSS before / peak during epoch', `${mb(rssBefore)} / ${mb(peakRss)}`],
    ['tfjs tensors / bytes after', `${tf.memory().numTensors} / ${mb(tf.memory().numBytes)}`],
  ]));
  return ds;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
