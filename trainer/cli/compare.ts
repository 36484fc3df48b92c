/**
 * `npm run compare -- --preset M1g [--data DIR | --fixture NAME] [--epochs N] [--seed S] [--backend wasm] [--out FILE] [--save-models DIR]`
 * Trains one configuration on both engines — scratch (hand-written backprop) and layers (tf.layers +
 * autograd) — with the same seed, hence the same split, initial weights and batch order, and prints a
 * side-by-side table: train/val/test accuracy, macro F1, cross-entropy, robustness and time per epoch,
 * with the test-accuracy gap against the 0.5-point agreement bar. Only configs the scratch engine can run
 * (ReLU, no BatchNorm/dropout/weight decay) compare. M2 is M1g under the batch mean (the study's PyTorch
 * protocol) while M1g as published sums, so `--preset M2` and `--preset M1g-mean` compare the same pair
 * under M2's protocol, `--preset M1g` under the study engine's.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, withOverrides, type RunConfig } from '../config/schema';
import { findPreset, PRESETS } from '../config/presets';
import { runExperiment } from '../run';
import type { RunResult } from '../result';
import { datasetSpecFromArgs, fail, loadDatasetOrExit, overridesFromFlags, TRAINING_FLAG_OPTIONS, type FlagValues } from './args';
import { TrainingProgress } from './progress';

const HELP = `Usage: npm run compare -- [options]
  --preset NAME        a preset the scratch engine can run (default M1g): ${PRESETS.filter((p) => p.config.engine === 'scratch' || p.name === 'M2').map((p) => p.name).join(', ')},
                       or a batch-mean variant (M1g-mean: M2's protocol, for the engine agreement)
  --data DIR | --fixture NAME | --images F --labels F   data, as for npm run train (default $EMNIST_DIR)
  --epochs N  --seed S  --lr X  --batch-size N  --hidden 128,64  --backend auto|tensorflow|wasm|cpu  --threads N
  --set field=value    any other config field (repeatable)
  --out FILE           write both RunResults as JSON {scratch, layers}
  --save-models DIR    save the two models to DIR/scratch and DIR/layers`;

const GOAL_POINTS = 0.5;

function buildConfig(values: FlagValues): { config: RunConfig; preset: string } {
  const preset = findPreset((values.preset as string) ?? 'M1g');
  // Validated as a scratch config: whatever the scratch engine refuses cannot be compared.
  const overrides = { ...overridesFromFlags(values, ['engine']), engine: 'scratch' };
  try {
    return { config: withOverrides(preset.config, overrides), preset: preset.name };
  } catch (err) {
    if (err instanceof ConfigError) fail(`${preset.name} cannot run on both engines: ${err.message}`);
    throw err;
  }
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? '–' : x.toFixed(digits));
const points = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? '' : `${(100 * (b - a) >= 0 ? '+' : '')}${(100 * (b - a)).toFixed(2)} pts`;
const delta = (a: number | null | undefined, b: number | null | undefined, digits = 4) =>
  a === null || a === undefined || b === null || b === undefined ? '' : `${b - a >= 0 ? '+' : ''}${(b - a).toFixed(digits)}`;

export function comparisonTable(s: RunResult, l: RunResult, preset: string): string {
  const rows: [string, string, string, string][] = [
    ['', 'scratch', 'layers', 'layers − scratch'],
    ['epochs run (best)', `${s.history.length} (${s.bestEpoch})`, `${l.history.length} (${l.bestEpoch})`, ''],
    ['train accuracy', pct(s.train?.accuracy), pct(l.train?.accuracy), points(s.train?.accuracy, l.train?.accuracy)],
    ['val accuracy', pct(s.validation?.accuracy), pct(l.validation?.accuracy), points(s.validation?.accuracy, l.validation?.accuracy)],
    ['test accuracy', pct(s.test?.accuracy), pct(l.test?.accuracy), points(s.test?.accuracy, l.test?.accuracy)],
    ['test macro F1', pct(s.test?.macroF1), pct(l.test?.macroF1), points(s.test?.macroF1, l.test?.macroF1)],
    ['train cross-entropy', num(s.train?.crossEntropy), num(l.train?.crossEntropy), delta(s.train?.crossEntropy, l.train?.crossEntropy)],
    ['val cross-entropy', num(s.validation?.crossEntropy), num(l.validation?.crossEntropy), delta(s.validation?.crossEntropy, l.validation?.crossEntropy)],
    ['test cross-entropy', num(s.test?.crossEntropy), num(l.test?.crossEntropy), delta(s.test?.crossEntropy, l.test?.crossEntropy)],
    ...s.robustness.points.map((p, i): [string, string, string, string] => {
      const q = l.robustness.points[i];
      return [`robustness σ=${p.sigma}`, pct(p.accuracy), pct(q?.accuracy), points(p.accuracy, q?.accuracy)];
    }),
    ['time per epoch', `${s.timings.meanEpochSeconds.toFixed(1)}s`, `${l.timings.meanEpochSeconds.toFixed(1)}s`, `×${(l.timings.meanEpochSeconds / s.timings.meanEpochSeconds).toFixed(2)}`],
    ['training samples/s', Math.round(s.timings.samplesPerSecond).toLocaleString('en-US'), Math.round(l.timings.samplesPerSecond).toLocaleString('en-US'), ''],
    ['total time', `${s.timings.totalSeconds.toFixed(0)}s`, `${l.timings.totalSeconds.toFixed(0)}s`, ''],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ');
  const header = [
    `${preset} on both engines: ${s.dataset.name}, train ${s.dataset.splitSizes.train.toLocaleString('en-US')} / val ${s.dataset.splitSizes.val.toLocaleString('en-US')} / test ${s.dataset.splitSizes.test.toLocaleString('en-US')}, ` +
      `${[s.dataset.imageSize.rows * s.dataset.imageSize.cols, ...s.config.hidden, s.dataset.classNames.length].join('-')}, seed ${s.seed}, backend ${s.backend}/${l.backend}, max ${s.config.epochs} epochs`,
  ];
  const gap = s.test && l.test ? Math.abs(100 * (l.test.accuracy - s.test.accuracy)) : null;
  const verdict = gap === null ? 'no test accuracy (cancelled)' : `test accuracy differs by ${gap.toFixed(2)} points: ${gap < GOAL_POINTS ? 'the engines agree' : 'the engines DISAGREE'} (bar < ${GOAL_POINTS})`;
  return [...header, '', ...rows.map(line), '', verdict].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...TRAINING_FLAG_OPTIONS, out: { type: 'string' }, 'save-models': { type: 'string' } },
    strict: true,
  });
  if (values.help) return void process.stdout.write(HELP + '\n');
  const { config, preset } = buildConfig(values);
  const progress = new TrainingProgress();
  progress.message('loading data…');
  const dataset = await loadDatasetOrExit(datasetSpecFromArgs(values));
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    progress.message('interrupted: stopping after this batch (Ctrl-C again to quit now)');
    process.once('SIGINT', () => process.exit(130));
  });
  const results: Partial<Record<'scratch' | 'layers', RunResult>> = {};
  for (const engine of ['scratch', 'layers'] as const) {
    progress.message(`${dataset.name}: ${dataset.count.toLocaleString('en-US')} images; training ${preset} on the ${engine} engine`);
    results[engine] = await runExperiment({ ...config, engine }, {
      dataset,
      preset,
      saveModelDir: values['save-models'] ? path.join(values['save-models'], engine) : undefined,
      callbacks: {
        onBatch: (p) => progress.onBatch(p),
        onEpoch: (m) => progress.onEpoch(m, config.epochs),
        onPhase: (phase) => phase !== 'training' && phase !== 'loading' && progress.message(`${engine}: ${phase}…`),
        shouldStop: () => interrupted,
      },
    });
    if (interrupted) break;
  }
  progress.stop();
  if (!results.scratch || !results.layers) fail('interrupted before both engines finished');
  process.stdout.write('\n' + comparisonTable(results.scratch, results.layers, preset) + '\n');
  if (values.out) {
    await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
    await writeFile(values.out, JSON.stringify(results, null, 1));
    process.stdout.write(`results written to ${values.out}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
