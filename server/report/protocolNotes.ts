/**
 * What differs between our protocol and the study's, and what it does to the numbers, as the report
 * page shows it beside the table: data size, how the loss is reduced over a batch, the robustness
 * protocol, and the framework engine. Each note says ours, the study's, and the effect; its figures are
 * measurements — from the command line (measurements.ts, each with the command that reproduces it) and,
 * when this database holds them, from runs here (the best finished exact run of each form of a preset:
 * as the study ran it, or its batch-mean variant; linked by id). Plain sentences a team member can follow.
 */
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { BATCH_MEAN, variantName, type PresetVariant } from '../../trainer/config/presets';
import type { DatasetEntry } from '../datasets/catalog';
import { splitImages } from '../runs/quotas';
import type { Sql } from '../runs/sql';
import { MEASURED } from './measurements';
import { PUBLISHED, PUBLISHED_DATASET } from './published';

export interface NoteFigure {
  label: string;
  value: string;
  command: string | null;
  runId: string | null;
}

export interface ProtocolNote {
  topic: string;
  ours: string;
  study: string;
  effect: string;
  figures: NoteFigure[];
}

const int = (n: number) => n.toLocaleString('en-US');
const pc = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The best finished, unarchived exact run of one form of `preset` on `dataset`: as the study ran it (variant null) or a variant. */
async function bestExact(sql: Sql, dataset: string, preset: string, variant: PresetVariant | null): Promise<{ id: string; name: string; testAccuracy: number } | null> {
  const { rows } = await sql.query<{ id: string; name: string; testAccuracy: number }>(
    `SELECT r."id", r."name", r."testAccuracy" FROM "Run" r
     WHERE r."dataset" = $1 AND r."preset" = $2 AND r."status" = 'SUCCEEDED' AND r."archivedAt" IS NULL AND r."testAccuracy" IS NOT NULL
       AND r."presetExact" AND r."presetVariant" IS NOT DISTINCT FROM $3
     ORDER BY r."valAccuracy" DESC NULLS LAST, r."createdAt" DESC LIMIT 1`,
    [dataset, preset, variant],
  );
  return rows[0] ?? null;
}

/** The best finished exact run of `preset` here that measured both curves: both at its largest σ. */
async function bothCurves(sql: Sql, dataset: string, preset: string): Promise<{ id: string; sigma: number; clipped: number; unclipped: number } | null> {
  const { rows } = await sql.query<{ id: string; sigma: number; clipped: number; unclipped: number }>(
    `SELECT r."id", c."sigma", c."accuracy" AS "clipped", u."accuracy" AS "unclipped" FROM "Run" r
     JOIN "RobustnessPoint" c ON c."runId" = r."id" AND c."clipped"
     JOIN "RobustnessPoint" u ON u."runId" = r."id" AND NOT u."clipped" AND u."sigma" = c."sigma"
     WHERE r."dataset" = $1 AND r."preset" = $2 AND r."presetExact" AND r."status" = 'SUCCEEDED' AND r."archivedAt" IS NULL
     ORDER BY r."valAccuracy" DESC NULLS LAST, r."createdAt" DESC, c."sigma" DESC LIMIT 1`,
    [dataset, preset],
  );
  return rows[0] ?? null;
}

const fromRun = (label: string, run: { id: string; name: string; testAccuracy: number } | null): NoteFigure[] => (run ? [{ label: `${label} (${run.name})`, value: pc(run.testAccuracy), command: null, runId: run.id }] : []);

/** Our pool and split against the study's, and what the smaller pool does to fixed-epoch presets (measured). */
function dataSizeNote(entry: DatasetEntry): ProtocolNote {
  const study = PUBLISHED.dataset;
  const [studyTrain, studyVal, studyTest] = study.split.map((s) => s.images);
  const ours = splitImages(entry, DEFAULT_CONFIG);
  const batch = DEFAULT_CONFIG.batchSize;
  const stepsOurs = Math.ceil(ours.train / batch);
  const stepsStudy = Math.ceil(studyTrain / batch);
  return {
    topic: 'Data size',
    ours: `All ${int(ours.pool)} images available here, split 70/10/20 stratified by class: about ${int(ours.train)} training, ${int(ours.val)} validation, ${int(ours.test)} test images.`,
    study: `${int(study.images)} images, split 70/10/20: ${int(studyTrain)} training, ${int(studyVal)} validation, ${int(studyTest)} test images.`,
    effect: ours.train < studyTrain
      ? `Our training set is ${(studyTrain / ours.train).toFixed(1)}× smaller, so one epoch is ${int(stepsOurs)} optimiser steps at batch ${batch} against the study's ${int(stepsStudy)}: presets with a fixed number of epochs train ${(stepsStudy / stepsOurs).toFixed(1)}× less, and rare classes have fewer examples. ` +
        `Measured on M0 (mean loss): ${pc(MEASURED.m0Mean50.testAccuracy)} after 50 epochs, ${pc(MEASURED.m0Mean350.testAccuracy)} after 350 epochs — the study's number of steps.`
      : 'Our training set is as large as the study\'s or larger; data size does not explain differences here.',
    figures: [
      { label: 'M0 on the shared EMNIST data, mean loss, 50 epochs (test accuracy)', value: pc(MEASURED.m0Mean50.testAccuracy), command: MEASURED.m0Mean50.command, runId: null },
      { label: 'M0 on the shared EMNIST data, mean loss, 350 epochs = the study\'s steps (test accuracy)', value: pc(MEASURED.m0Mean350.testAccuracy), command: MEASURED.m0Mean350.command, runId: null },
    ],
  };
}

export async function protocolNotes(sql: Sql, entry: DatasetEntry): Promise<ProtocolNote[]> {
  const notes: ProtocolNote[] = [];
  const comparable = entry.name === PUBLISHED_DATASET;
  const study = PUBLISHED.dataset;
  if (!comparable) {
    notes.push({
      topic: 'Published figures',
      ours: `${entry.title}: ${entry.classCount} classes.`,
      study: `EMNIST ByMerge: ${study.classes} classes, ${int(study.images)} images.`,
      effect: `The study's figures are for EMNIST ByMerge only, so no published figure or difference is shown for ${entry.name}: numbers on other data (other classes, other sizes) cannot be compared with them.`,
      figures: [],
    });
  }

  // Data size only matters beside the study's figures, i.e. on its own data.
  if (comparable) notes.push(dataSizeNote(entry));

  notes.push(await lossReductionNote(sql, entry.name));

  const m1g = await bothCurves(sql, entry.name, 'M1g');
  notes.push({
    topic: 'Robustness to noise',
    ours: `Gaussian noise N(0, σ²) added to every pixel on the [0,1] scale, σ ∈ {${DEFAULT_CONFIG.robustness.sigmas.join(', ')}}, on our test split (20% of the pool); the presets do not clip noisy pixels back to [0,1] (robustness.clip false). Every run also measures the clipped curve from the same noise draw: the chart can show either.`,
    study: 'Noise on [0,1] pixels at the same σ levels; whether noisy pixels were clipped, and on which split, is not stated.',
    effect: `Clipping changes the picture. The same M1g model at σ 0.5: ${pc(MEASURED.m1gNoClip.sigma05)} unclipped, ${pc(MEASURED.m1gClip.sigma05)} clipped (the study: 5.49%); at σ 0.2: ${pc(MEASURED.m1gNoClip.sigma02)} against ${pc(MEASURED.m1gClip.sigma02)} (the study: 39.95%). ` +
      "The study's curves fall the way clipped noise makes them fall, so compare them with our clipped curves (the chart's clip switch). Why clipping hurts so much: on the mostly black background it cuts off the negative half of the noise, so every image gets brighter on average — a shift the models never saw — while unclipped noise averages out.",
    figures: [
      { label: 'M1g at σ 0.5, not clipped (8,085 unseen images)', value: pc(MEASURED.m1gNoClip.sigma05), command: MEASURED.m1gNoClip.command, runId: null },
      { label: 'M1g at σ 0.5, clipped to [0,1] (same model and images)', value: pc(MEASURED.m1gClip.sigma05), command: MEASURED.m1gClip.command, runId: null },
      ...(m1g
        ? [
            { label: `M1g here at σ ${m1g.sigma}, not clipped`, value: pc(m1g.unclipped), command: null, runId: m1g.id },
            { label: `M1g here at σ ${m1g.sigma}, clipped`, value: pc(m1g.clipped), command: null, runId: m1g.id },
          ]
        : []),
    ],
  });

  notes.push(await frameworkNote(sql, entry.name));
  return notes;
}

const T = MEASURED.pytorch;

/**
 * The finding of issue 25 in two sentences, with the PyTorch table as evidence: the study summed its
 * batch gradients in every hand-written row. Figures: our full runs of the presets (commands), and the
 * best exact run here of each form of M0 and M1c.
 */
async function lossReductionNote(sql: Sql, dataset: string): Promise<ProtocolNote> {
  const here: NoteFigure[] = [];
  for (const preset of ['M0', 'M1c']) {
    for (const variant of [null, BATCH_MEAN] as const) here.push(...fromRun(`${variantName(preset, variant)} here`, await bestExact(sql, dataset, preset, variant)));
  }
  return {
    topic: 'How the loss is reduced over a batch',
    ours: 'The presets follow the study: M0–M1h sum the cross-entropy over the batch (lossReduction "sum": gradients summed over its 512 rows, L2 λ/2·ΣW² not divided by the batch), as the study\'s own engine did; M2, M3a and M3b average it, as the study\'s PyTorch models did. Each of M0–M1h keeps its batch-mean form as a variant ("M1c · batch mean"), whose runs are listed apart, never beside the published figures.',
    study: 'Not stated, but its figures tell: M0 reaches 87.45% with plain SGD at η = 0.001, and L2 at λ = 0.01 helped (M1c 87.89% above M1b 87.52%, M1d 84.30% above M1a 81.41%).',
    effect: `Under the batch mean, L2 at λ = 0.01 costs 9–13 points (PyTorch 1.13 on our data: M1c ${pc(T.mean.M1c)} against M1b ${pc(T.mean.M1b)}, M1d ${pc(T.mean.M1d)} against M1a ${pc(T.mean.M1a)}; M0 only ${pc(T.mean.M0)}), the opposite of the study. ` +
      `Summed, the data term is 512× larger, so the same λ is a mild regulariser and the study's order returns (M1c ${pc(T.sum.M1c)} against M1b ${pc(T.sum.M1b)}, M1d ${pc(T.sum.M1d)} against M1a ${pc(T.sum.M1a)}, M0 ${pc(T.sum.M0)}): the study ran its hand-written rows with summed gradients.`,
    figures: [
      ...(['M0', 'M1a', 'M1b', 'M1c', 'M1d'] as const).map((p) => ({ label: `${p} as published (summed), shared EMNIST data, test accuracy`, value: pc(MEASURED.study[p].testAccuracy), command: MEASURED.study[p].command, runId: null })),
      { label: 'M0 · batch mean, 50 epochs (test accuracy)', value: pc(MEASURED.m0Mean50.testAccuracy), command: MEASURED.m0Mean50.command, runId: null },
      ...(['M1a', 'M1b', 'M1c', 'M1d'] as const).map((p) => ({ label: `${p} · batch mean, shared EMNIST data, test accuracy`, value: pc(MEASURED.batchMean[p].testAccuracy), command: MEASURED.batchMean[p].command, runId: null })),
      ...here,
    ],
  };
}

/** M2 validates M1g only under one protocol: M2 keeps the batch mean, M1g as published sums. */
async function frameworkNote(sql: Sql, dataset: string): Promise<ProtocolNote> {
  const [m2, m1gMean, m1g] = await Promise.all([bestExact(sql, dataset, 'M2', null), bestExact(sql, dataset, 'M1g', BATCH_MEAN), bestExact(sql, dataset, 'M1g', null)]);
  return {
    topic: 'Framework presets (M2, M3a, M3b)',
    ours: 'tf.layers with autograd and the batch-mean loss (as PyTorch), updated by the same hand-written optimisers as the scratch engine; the M3 presets\' weight decay 0.01 is applied decoupled (AdamW).',
    study: 'PyTorch with its batch-mean loss; "weight decay 0.01" with Adam, without saying coupled or decoupled. Its M2 (88.36%) is set beside its M1g (88.58%), which its own engine trained with summed gradients.',
    effect: 'M2 and M1g as published differ in protocol (batch mean against summed), not only in engine, so the engine agreement is checked under one protocol: M2 beside "M1g · batch mean", the same initial weights (`npm run compare -- --preset M1g-mean` trains both engines side by side; `--preset M1g` compares them both summed). ' +
      'For M3a/M3b, coupled weight decay (PyTorch\'s Adam(weight_decay)) acts as a much stronger penalty; set weightDecayMode to "coupled" to try the other reading.',
    figures: [
      { label: 'M1g · batch mean on the scratch engine, shared EMNIST data (test accuracy)', value: pc(MEASURED.engineAgreement.scratch), command: MEASURED.engineAgreement.command, runId: null },
      { label: 'the same on the layers engine = M2\'s config (same run of the command)', value: pc(MEASURED.engineAgreement.layers), command: MEASURED.engineAgreement.command, runId: null },
      ...fromRun('M2 here, batch mean', m2),
      ...fromRun('M1g · batch mean here, the same protocol as M2', m1gMean),
      ...fromRun('M1g here as published, summed: another protocol than M2', m1g),
    ],
  };
}
