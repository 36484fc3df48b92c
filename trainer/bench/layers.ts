/**
 * Speed of the layers engine next to the scratch engine: the same network, the same batches, the same
 * backend, time per training step and samples/s. `npm run bench` calls benchLayersEngine(); the goal
 * it reports against is layers ≤ 1.5 × scratch time per step.
 *
 * The two engines are timed in alternating rounds (scratch, layers, scratch, …) and each engine's figure
 * is its median round, so load from other processes on a shared machine hits both alike. Each round is
 * timed twice: wall clock, and this process's CPU time (process.cpuUsage). The wasm backend runs
 * single-threaded, so CPU time per step is the engine's cost even when other processes compete for the
 * cores, where wall time also counts waiting for a core; the ratio is taken on CPU time for that reason,
 * and both are reported. Batches are synthetic pixels in [0,1] drawn once from a seeded stream (speed
 * does not depend on the data).
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, withOverrides, type RunConfig } from '../config/schema';
import { activeBackend, initBackend, type BackendChoice } from '../engine/backend';
import { createModel } from '../engine/factory';
import type { TrainableModel } from '../engine/model';
import { mulberry32 } from '../util/rng';

export interface EngineSpeed {
  engine: 'scratch' | 'layers';
  /** Median wall-clock milliseconds per training step (one batch: forward, backward, update). */
  msPerStep: number;
  /** Median CPU milliseconds (user + system) of this process per step. */
  cpuMsPerStep: number;
  /** batch / wall time per step. */
  samplesPerSecond: number;
  /** Every round's wall ms per step, in order. */
  rounds: number[];
  /** Every round's CPU ms per step, in order. */
  cpuRounds: number[];
}

export interface LayersBenchResult {
  backend: string;
  /** e.g. "784-400-240-120-47". */
  network: string;
  batchSize: number;
  stepsPerRound: number;
  scratch: EngineSpeed;
  layers: EngineSpeed;
  /** layers.cpuMsPerStep / scratch.cpuMsPerStep; the goal is ≤ 1.5. */
  ratio: number;
  /** layers.msPerStep / scratch.msPerStep (wall clock; noisier on a loaded machine). */
  wallRatio: number;
  /** Layers-engine-only figures for configs the scratch engine cannot run (e.g. M3b's BatchNorm/dropout). */
  extras: { label: string; network: string; msPerStep: number; cpuMsPerStep: number; samplesPerSecond: number }[];
}

export interface LayersBenchOptions {
  /** Hidden widths of the compared network (default M1g's [400, 240, 120]). */
  hidden?: number[];
  batchSize?: number;
  /** Steps per timed round (default 10) and rounds per engine (default 5); one untimed warm-up round first. */
  steps?: number;
  rounds?: number;
  backend?: BackendChoice;
  inputSize?: number;
  classes?: number;
  /** Extra layers-only configs to time, as config overrides with a label (e.g. M3b's). */
  extras?: { label: string; overrides: Partial<RunConfig> }[];
}

function syntheticBatches(count: number, batchSize: number, inputSize: number, classes: number): { x: tf.Tensor2D; labels: Int32Array }[] {
  const rng = mulberry32(7);
  return Array.from({ length: count }, () => ({
    x: tf.tensor2d(Float32Array.from({ length: batchSize * inputSize }, () => Math.floor(rng() * 256) / 255), [batchSize, inputSize]),
    labels: Int32Array.from({ length: batchSize }, () => Math.floor(rng() * classes)),
  }));
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Runs `steps` training steps and returns wall and CPU ms per step. */
function timeSteps(model: TrainableModel, batches: { x: tf.Tensor2D; labels: Int32Array }[], steps: number): Timing {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const b = batches[s % batches.length];
    model.trainStep(b.x, b.labels, 1e-3); // reads loss back, so the step has finished when it returns
  }
  const wall = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 / steps };
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchLayersEngine(options: LayersBenchOptions = {}): Promise<LayersBenchResult> {
  const { hidden = [400, 240, 120], batchSize = 512, steps = 10, rounds = 5, backend = 'wasm', inputSize = 784, classes = 47, extras = [] } = options;
  await initBackend(backend);
  const base = withOverrides(DEFAULT_CONFIG, { hidden, batchSize, optimizer: 'adam', lr: 1e-3, backend });
  const batches = syntheticBatches(4, batchSize, inputSize, classes);
  const models = {
    scratch: createModel({ ...base, engine: 'scratch' }, inputSize, classes),
    layers: createModel({ ...base, engine: 'layers' }, inputSize, classes),
  };
  const times: Record<'scratch' | 'layers', Timing[]> = { scratch: [], layers: [] };
  const result = { extras: [] as LayersBenchResult['extras'] };
  try {
    timeSteps(models.scratch, batches, Math.max(2, Math.ceil(steps / 2))); // warm-up: kernels, Adam state
    timeSteps(models.layers, batches, Math.max(2, Math.ceil(steps / 2)));
    for (let r = 0; r < rounds; r++) {
      times.scratch.push(timeSteps(models.scratch, batches, steps));
      times.layers.push(timeSteps(models.layers, batches, steps));
    }
    for (const extra of extras) {
      const config = withOverrides(base, { ...extra.overrides, engine: 'layers', batchSize });
      const model = createModel(config, inputSize, classes);
      try {
        timeSteps(model, batches, Math.max(2, Math.ceil(steps / 2)));
        const timed = Array.from({ length: rounds }, () => timeSteps(model, batches, steps));
        const ms = median(timed.map((t) => t.wall));
        result.extras.push({ label: extra.label, network: [inputSize, ...config.hidden, classes].join('-'), msPerStep: ms, cpuMsPerStep: median(timed.map((t) => t.cpu)), samplesPerSecond: (1000 * batchSize) / ms });
      } finally {
        model.dispose();
      }
    }
  } finally {
    models.scratch.dispose();
    models.layers.dispose();
    batches.forEach((b) => b.x.dispose());
  }
  const speed = (engine: 'scratch' | 'layers'): EngineSpeed => {
    const wall = times[engine].map((t) => t.wall);
    const cpu = times[engine].map((t) => t.cpu);
    const ms = median(wall);
    return { engine, msPerStep: ms, cpuMsPerStep: median(cpu), samplesPerSecond: (1000 * batchSize) / ms, rounds: wall, cpuRounds: cpu };
  };
  const scratch = speed('scratch');
  const layers = speed('layers');
  return {
    backend: activeBackend(),
    network: [inputSize, ...hidden, classes].join('-'),
    batchSize,
    stepsPerRound: steps,
    scratch,
    layers,
    ratio: layers.cpuMsPerStep / scratch.cpuMsPerStep,
    wallRatio: layers.msPerStep / scratch.msPerStep,
    extras: result.extras,
  };
}

/** One line per engine, for a terminal. */
export function formatLayersBench(r: LayersBenchResult): string {
  const row = (label: string, ms: number, cpuMs: number, sps: number) =>
    `  ${label.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms/step wall ${cpuMs.toFixed(1).padStart(7)} ms/step CPU ${Math.round(sps).toLocaleString('en-US').padStart(8)} samples/s`;
  return [
    `layers vs scratch engine, ${r.network}, batch ${r.batchSize}, backend ${r.backend} (median of ${r.scratch.rounds.length} alternating rounds × ${r.stepsPerRound} steps)`,
    row('scratch (hand-written backprop)', r.scratch.msPerStep, r.scratch.cpuMsPerStep, r.scratch.samplesPerSecond),
    row('layers (tf.layers + autograd)', r.layers.msPerStep, r.layers.cpuMsPerStep, r.layers.samplesPerSecond),
    `  layers / scratch time per step: ${r.ratio.toFixed(2)}× CPU, ${r.wallRatio.toFixed(2)}× wall (goal ≤ 1.5×)`,
    ...r.extras.map((e) => row(`layers ${e.label} ${e.network}`, e.msPerStep, e.cpuMsPerStep, e.samplesPerSecond)),
  ].join('\n');
}

/** The framework presets' networks, timed beside the agreement pair. */
export const STUDY_LAYERS_EXTRAS: NonNullable<LayersBenchOptions['extras']> = [
  { label: 'M3a', overrides: { hidden: [256, 128, 64, 64], activation: 'gelu', dropout: 0.2, weightDecay: 0.01, weightDecayMode: 'decoupled' } },
  { label: 'M3b', overrides: { hidden: [400, 400], activation: 'silu', batchNorm: true, dropout: 0.3, weightDecay: 0.01, weightDecayMode: 'decoupled' } },
];

// Standalone: `npx tsx trainer/bench/layers.ts [--backend wasm]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--backend');
  const backend = (i > 0 ? process.argv[i + 1] : 'wasm') as BackendChoice;
  benchLayersEngine({
    backend,
    extras: STUDY_LAYERS_EXTRAS,
  })
    .then((r) => process.stdout.write(formatLayersBench(r) + '\n'))
    .catch((err) => {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exit(1);
    });
}
