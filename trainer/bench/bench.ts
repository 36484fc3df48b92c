/**
 * `npm run bench` — prints the trainer's speed figures on this machine:
 *  1. training throughput (samples/s, batch 512) of 784-128-64-47 and 784-400-240-120-47 with Adam,
 *     on the active backend (override with BACKEND=cpu|wasm|tensorflow);
 *  2. the cost of a transposed matrix product with and without our wasm kernel override;
 *  2b. the layers engine's time per step next to the scratch engine's (goal: within 1.5×), plus M3a/M3b;
 *  3. with EMNIST_DIR set: load time and one real epoch of M1g over the stratified training split,
 *     extrapolated to the study's 566,667-image training split, and the process memory while doing it;
 *  4. memory at full scale: a synthetic pool of all 814,255 ByMerge images (uint8), split and streamed
 *     for 200 batches, to show memory stays proportional to the uint8 data (≈ 640 MB).
 * Goals on a 2-core machine with wasm: ≥ 25,000 samples/s (small net), ≥ 7,000 (M1g's net).
 * Figures are ratios-in-one-run friendly: compare rows of the same run, not runs across machines.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, withOverrides } from '../config/schema';
import { findPreset } from '../config/presets';
import { activeBackend, initBackend, type BackendChoice } from '../engine/backend';
import { loadDataset } from '../data/load';
import { splitDataset } from '../data/split';
import { createModel } from '../engine/factory';
import { trainModel } from '../train/loop';
import { BatchStream } from '../data/batches';
import { measureThroughput, type ThroughputFigure } from './throughput';
import { benchTransposedMatMul } from './matmul';
import { benchLayersEngine, formatLayersBench, STUDY_LAYERS_EXTRAS } from './layers';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const backend = await initBackend((process.env.BACKEND as BackendChoice | undefined) ?? 'auto');
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  console.log(`backend: ${backend}   node ${process.version}   ${new Date().toISOString()}`);

  console.log('\n1. training throughput, batch 512, Adam (synthetic uint8 data through the prefetching batch stream)');
  const adam = withOverrides(DEFAULT_CONFIG, { optimizer: 'adam', backend });
  const figures: ThroughputFigure[] = [await measureThroughput(adam, [128, 64], { seconds }), await measureThroughput(adam, [400, 240, 120], { seconds })];
  const goals: Record<string, number> = { '784-128-64-47': 25_000, '784-400-240-120-47': 7_000 };
  console.log(table([['network', 'engine', 'samples/s', 'ms/step', 'goal (wasm)'], ...figures.map((f) => [f.network, f.engine, fmt(f.samplesPerSecond), f.msPerStep.toFixed(1), fmt(goals[f.network])])]));

  if (activeBackend() === 'wasm') {
    console.log('\n2. transposed matmul [512×784]ᵀ·[512×400] on wasm');
    const m = benchTransposedMatMul();
    console.log(table([['kernel', 'ms', 'GFLOP/s'], ['stock BatchMatMul with transposeA', m.stockMs.toFixed(1), m.stockGflops.toFixed(1)], ['our override (explicit transpose)', m.overrideMs.toFixed(1), m.overrideGflops.toFixed(1)]]));
    console.log(`speed-up: ${(m.stockMs / m.overrideMs).toFixed(1)}×`);
  }

  console.log('\n2b. layers engine (tf.layers + autograd) next to the scratch engine, same network and backend');
  console.log(formatLayersBench(await benchLayersEngine({ backend, hidden: [400, 240, 120], extras: STUDY_LAYERS_EXTRAS })));

  const dir = process.env.EMNIST_DIR;
  if (dir) await realEpoch(dir, backend);
  else console.log('\n3. real epoch: skipped (set EMNIST_DIR to the EMNIST folder)');
  fullScaleMemory();
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

async function realEpoch(dir: string, backend: string): Promise<void> {
  console.log('\n3. one real epoch of M1g on EMNIST (stratified 70/10/20 of the files present)');
  const t0 = performance.now();
  const ds = await loadDataset({ kind: 'emnist', dir });
  const loadSeconds = (performance.now() - t0) / 1000;
  const config = withOverrides(findPreset('M1g').config, { epochs: 1, backend: backend as BackendChoice });
  const split = splitDataset(ds, config.split, config.seed);
  const model = createModel(config, 784, ds.classNames.length);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const outcome = await trainModel(model, ds, split, config, { onBatch: () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss)) });
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
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
