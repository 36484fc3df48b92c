/**
 * `npm run train -- --preset M1g [--data DIR] [--epochs N] [--seed S] [--backend wasm] [--out result.json] [--save-model DIR] [--checkpoint FILE]`
 * Trains one configuration from the command line, with no database or server: a progress bar while
 * it runs, a summary table at the end, and the full RunResult as JSON with --out. With --checkpoint,
 * the training state is saved after every epoch; the same command run again after Ctrl-C (or a crash)
 * continues after the last finished epoch, to the result an uninterrupted run gives.
 * Any config field can be overridden: the common ones have flags, and --set field=value (repeatable,
 * value parsed as JSON when it can be) reaches every other, e.g. --set 'earlyStopping={"patience":3,"minDelta":0}'.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, withOverrides, type RunConfig } from '../config/schema';
import { ALL_PRESETS, findPreset, PRESETS } from '../config/presets';
import { runExperiment } from '../run';
import { initBackend, nativeKernelsNotice } from '../engine/backend';
import type { RunResult } from '../result';
import { datasetSpecFromArgs, fail, loadDatasetOrExit, overridesFromFlags, TRAINING_FLAG_OPTIONS, type FlagValues } from './args';
import { TrainingProgress } from './progress';
import { topConfusedPairs } from '../eval/confusedPairs';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from '../train/checkpoint';

const HELP = `Usage: npm run train -- [options]
  --preset NAME        one of ${PRESETS.map((p) => p.name).join(', ')} (default M0); M0–M1h sum the
                       batch loss as the study did, "M1c-mean" (= "M1c · batch mean") averages it
  --data DIR           folder with EMNIST ByMerge files (default: $EMNIST_DIR)
  --fixture NAME       use DIR/fixtures/emnist-bymerge-test-NAME-* (strat100 or first1000)
  --images F --labels F   any IDX (or CSV) dataset instead; repeat for several files (names with "train" are train)
  --mapping FILE       class names for --images data (label ascii_code lines)
  --epochs N  --seed S  --lr X  --batch-size N  --hidden 128,64  --engine scratch|layers
  --backend auto|tensorflow|wasm|cpu
  --threads N          compute threads: each batch is split across N data-parallel replicas (default 0 =
                       every core this machine gives the worker; 1 = the single-thread path)
  --split stratified|official   --set field=value (any config field; repeatable)
  --out FILE           write the result JSON here
  --save-model DIR     save the trained model (for npm run evaluate)
  --checkpoint FILE    save the training state here after every epoch; if FILE exists, resume from it
                       (after Ctrl-C, run the same command again); removed when the run finishes
  --list               list the presets (and their batch-mean variants) and exit`;

function buildConfig(values: FlagValues): { config: RunConfig; preset: string } {
  const preset = findPreset((values.preset as string) ?? 'M0');
  const overrides = overridesFromFlags(values);
  try {
    return { config: withOverrides(preset.config, overrides), preset: preset.name };
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

async function readCheckpoint(file: string): Promise<TrainingCheckpoint | null> {
  if (!existsSync(file)) return null;
  try {
    return decodeCheckpoint(await readFile(file));
  } catch (err) {
    if (err instanceof CheckpointError) fail(`--checkpoint ${file}: ${err.message}. Delete it to start from epoch 1`);
    throw err;
  }
}

/** Written beside the target and renamed, so an interruption mid-write never leaves a torn checkpoint. */
async function writeCheckpoint(file: string, checkpoint: TrainingCheckpoint): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(`${file}.tmp`, encodeCheckpoint(checkpoint));
  await rename(`${file}.tmp`, file);
}

function pct(x: number | undefined | null): string {
  return x === undefined || x === null ? '–' : `${(100 * x).toFixed(2)}%`;
}

function printSummary(r: RunResult): void {
  const rows: [string, string][] = [
    ['preset / engine / compute', `${r.preset ?? 'custom'} / ${r.engine} / ${r.compute ?? `${r.backend}, ${r.threads ?? 1} thread${(r.threads ?? 1) === 1 ? '' : 's'}`}`],
    ['network', `${r.dataset.imageSize.rows * r.dataset.imageSize.cols}-${r.config.hidden.join('-')}-${r.dataset.classNames.length} (${r.parameters.toLocaleString('en-US')} parameters)`],
    ['data', `${r.dataset.name}: train ${r.dataset.splitSizes.train}, val ${r.dataset.splitSizes.val}, test ${r.dataset.splitSizes.test}`],
    ['epochs', `${r.history.length} run, best ${r.bestEpoch}${r.stoppedEarly ? ' (stopped early)' : ''}${r.cancelled ? ' (cancelled)' : ''}`],
    ['train accuracy / loss', `${pct(r.train?.accuracy)} / ${r.train?.crossEntropy.toFixed(4) ?? '–'}`],
    ['val accuracy / loss', `${pct(r.validation?.accuracy)} / ${r.validation?.crossEntropy.toFixed(4) ?? '–'}`],
    ['test accuracy', pct(r.test?.accuracy)],
    ['test macro F1', pct(r.test?.macroF1)],
    ['test cross-entropy', r.test?.crossEntropy.toFixed(4) ?? '–'],
    [`robustness (σ: acc${r.robustness.clip ? ', clipped' : ''})`, r.robustness.points.map((p) => `${p.sigma}: ${pct(p.accuracy)}`).join('  ') || '–'],
    ...(r.robustness.other ? [[`  ${r.robustness.other.clip ? 'clipped to [0,1]' : 'not clipped'}`, r.robustness.other.points.map((p) => `${p.sigma}: ${pct(p.accuracy)}`).join('  ')] as [string, string]] : []),
    ['most confused (true→pred)', r.test ? topConfusedPairs(r.test.confusion, r.dataset.classNames, 5).map((c) => `${c.trueName}→${c.predName} ${c.count}`).join(', ') : '–'],
    ['time', `${r.timings.totalSeconds.toFixed(1)}s total, ${r.timings.meanEpochSeconds.toFixed(1)}s/epoch, ${Math.round(r.timings.samplesPerSecond).toLocaleString('en-US')} samples/s, evaluation ${r.timings.evalSeconds.toFixed(1)}s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write('\n' + rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...TRAINING_FLAG_OPTIONS,
      engine: { type: 'string' }, split: { type: 'string' },
      out: { type: 'string' }, 'save-model': { type: 'string' }, checkpoint: { type: 'string' }, list: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return void process.stdout.write(HELP + '\n');
  if (values.list) {
    for (const p of ALL_PRESETS) process.stdout.write(`${p.name.padEnd(16)} ${p.group.padEnd(15)} ${p.description}\n`);
    return;
  }
  const { config, preset } = buildConfig(values);
  const progress = new TrainingProgress();
  progress.message(`loading data…`);
  const dataset = await loadDatasetOrExit(datasetSpecFromArgs(values));
  progress.message(`${dataset.name}: ${dataset.count.toLocaleString('en-US')} images, ${dataset.classNames.length} classes; training ${preset} on the ${config.engine} engine`);
  // Without OpenBLAS the run trains on the wasm kernels: one line says how much slower and how to fix it.
  const notice = await initBackend(config.backend).then((b) => nativeKernelsNotice(b), () => null);
  if (notice) progress.message(notice);
  const checkpointFile = values.checkpoint;
  const resumeFrom = checkpointFile ? await readCheckpoint(checkpointFile) : null;
  if (resumeFrom) progress.message(`resuming after epoch ${resumeFrom.history.length} from ${checkpointFile}`);
  let epochsSaved = resumeFrom?.history.length ?? 0;
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    progress.message(`interrupted: stopping after this batch${checkpointFile ? `; run the same command again to resume after epoch ${epochsSaved}` : ''} (Ctrl-C again to quit now)`);
    process.once('SIGINT', () => process.exit(130));
  });
  let result: RunResult;
  try {
    result = await runExperiment(config, {
      dataset,
      preset,
      saveModelDir: values['save-model'],
      resumeFrom,
      callbacks: {
        onBatch: (p) => progress.onBatch(p),
        onEpoch: (m) => progress.onEpoch(m, config.epochs),
        onPhase: (phase) => phase === 'saving' && progress.message('saving the model…'),
        onPhaseProgress: (p) => progress.onPhaseProgress(p),
        shouldStop: () => interrupted,
        onCheckpoint: checkpointFile
          ? async (c) => {
              await writeCheckpoint(checkpointFile, c);
              epochsSaved = c.history.length;
            }
          : undefined,
      },
    });
  } catch (err) {
    if (err instanceof CheckpointError) fail(`--checkpoint ${checkpointFile}: ${err.message}. Use the command that wrote it, or delete it to start from epoch 1`);
    throw err;
  }
  progress.stop();
  if (checkpointFile) {
    if (result.cancelled) process.stdout.write(`\ncheckpoint after epoch ${epochsSaved} in ${checkpointFile}: run the same command again to resume\n`);
    else await rm(checkpointFile, { force: true });
  }
  printSummary(result);
  if (values.out) {
    await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
    await writeFile(values.out, JSON.stringify(result, null, 1));
    process.stdout.write(`result written to ${values.out}\n`);
  }
  if (values['save-model'] && !result.cancelled) process.stdout.write(`model saved to ${values['save-model']}\n`);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
