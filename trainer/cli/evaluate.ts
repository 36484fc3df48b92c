/**
 * `npm run evaluate -- --model DIR --images FILE --labels FILE [--mapping FILE]`
 * Evaluates a saved model (either engine) on any IDX (or CSV) image/label pair and prints the metrics
 * as JSON: accuracy, macro F1, cross-entropy, per-class scores, confusion matrix, and optionally the
 * robustness curve (--robustness; `--clip on|off` overrides the model's robustness.clip, to see what
 * clamping noisy pixels to [0,1] does to the same model's curve).
 */
import { parseArgs } from 'node:util';
import { activeBackend, initBackend, type BackendChoice } from '../engine/backend';
import { loadModel } from '../model/savedModel';
import { evaluate } from '../eval/evaluate';
import { robustnessCurve } from '../eval/robustness';
import { datasetSpecFromArgs, fail, loadDatasetOrExit } from './args';


const HELP = `Usage: npm run evaluate -- --model DIR --images FILE --labels FILE [--mapping FILE] [--robustness [--clip on|off]] [--backend NAME]
  The images must have the geometry the model was trained on; class names come from --mapping,
  else from the model. --transposed false/true overrides the model's stored orientation flag.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' }, images: { type: 'string', multiple: true }, labels: { type: 'string', multiple: true },
      mapping: { type: 'string' }, backend: { type: 'string' }, robustness: { type: 'boolean' }, clip: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return void process.stdout.write(HELP + '\n');
  if (!values.model) fail('--model DIR is required (a folder written by npm run train -- --save-model DIR)');
  if (!values.images?.length || !values.labels?.length) fail('--images FILE and --labels FILE are required');
  if (values.clip !== undefined && values.clip !== 'on' && values.clip !== 'off') fail(`--clip must be on or off, not "${values.clip}"`);
  await initBackend((values.backend as BackendChoice | undefined) ?? 'auto');
  const { model, manifest } = await loadModel(values.model).catch((err: Error) => fail(err.message));
  const ds = await loadDatasetOrExit(datasetSpecFromArgs({ images: values.images, labels: values.labels, mapping: values.mapping, transposed: manifest.image.transposed }));
  if (ds.rows * ds.cols !== manifest.inputSize) fail(`the images are ${ds.rows}×${ds.cols} = ${ds.rows * ds.cols} pixels but the model expects ${manifest.inputSize}`);
  if (ds.classNames.length > manifest.classNames.length) fail(`the labels use ${ds.classNames.length} classes but the model has ${manifest.classNames.length}`);
  const classNames = values.mapping ? ds.classNames : manifest.classNames;
  const all = Uint32Array.from({ length: ds.count }, (_, i) => i);
  const metrics = evaluate(model, { ...ds, classNames }, all);
  const robustness = values.robustness
    ? robustnessCurve(model, ds, all, { sigmas: manifest.config.robustness.sigmas, clip: values.clip === undefined ? manifest.config.robustness.clip : values.clip === 'on', seed: manifest.config.seed })
    : undefined;
  process.stdout.write(
    JSON.stringify({ model: values.model, engine: manifest.engine, images: values.images, backend: activeBackend(), ...metrics, robustness }, null, 1) + '\n',
  );
  model.dispose();
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
