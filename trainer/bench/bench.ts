/**
 * `npm run bench` — prints the trainer's speed figures on this machine:
 *  1. training throughput (samples/s, batch 512) of 784-128-64-47 and 784-400-240-120-47 with Adam,
 *     on the active backend (override with BACKEND=cpu|wasm|tensorflow);
 *  2. the cost of a transposed matrix product with and without our wasm kernel override;
 *  3. with EMNIST_DIR set: load time and one real epoch of M1g over the stratified training split,
 *     extrapolated to the study's 566,667-image training split, and the process memory while doing it.
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
import { measureThroughput, type ThroughputFigure } from './throughput';
import { benchTransposedMatMul } from './matmul';

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

  console.log('\n1. training throughput, batch 512, Adam (synthetic batches)');
  const adam = withOverrides(DEFAULT_CONFIG, { optimizer: 'adam', backend });
  const figures: ThroughputFigure[] = [measureThroughput(adam, [128, 64], { seconds }), measureThroughput(adam, [400, 240, 120], { seconds })];
  const goals: Record<string, number> = { '784-128-64-47': 25_000, '784-400-240-120-47': 7_000 };
  console.log(table([['network', 'engine', 'samples/s', 'ms/step', 'goal (wasm)'], ...figures.map((f) => [f.network, f.engine, fmt(f.samplesPerSecond), f.msPerStep.toFixed(1), fmt(goals[f.network])])]));

  if (activeBackend() === 'wasm') {
    console.log('\n2. transposed matmul [512×784]ᵀ·[512×400] on wasm');
    const m = benchTransposedMatMul();
    console.log(table([['kernel', 'ms', 'GFLOP/s'], ['stock BatchMatMul with transposeA', m.stockMs.toFixed(1), m.stockGflops.toFixed(1)], ['our override (explicit transpose)', m.overrideMs.toFixed(1), m.overrideGflops.toFixed(1)]]));
    console.log(`speed-up: ${(m.stockMs / m.overrideMs).toFixed(1)}×`);
  }

  const dir = process.env.EMNIST_DIR;
  if (!dir) {
    console.log('\n3. real epoch: skipped (set EMNIST_DIR to the EMNIST folder)');
    return;
  }
  console.log('\n3. one real epoch of M1g on EMNIST (stratified 70/10/20 of the files present)');
  const t0 = performance.now();
  const ds = await loadDataset({ kind: 'emnist', dir });
  const loadSeconds = (performance.now() - t0) / 1000;
  const config = withOverrides(findPreset('M1g').config, { epochs: 1, backend });
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
