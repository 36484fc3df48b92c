/**
 * The study report as a pure function of runs, pins and the published figures: one row per preset
 * (PRESETS order), the run that stands for it and why, our metrics beside the study's and the delta of
 * every metric that has a published figure (robustness included). Fractions throughout (published
 * percentages are divided by 100 here); deltas are ours − published, in the metric's own unit.
 *
 * Which run stands for a preset (`chooseRuns`):
 *   1. the run a member pinned to the row (PINNED), whatever its config — the row then says how it
 *      differs from the preset;
 *   2. else the best finished, unarchived run whose config IS the preset (BEST_EXACT), best by
 *      validation accuracy (never by the test figures it is judged on), the newest on a tie;
 *   3. else none: modified runs ("M0 (modified: hidden, epochs)") never stand for a preset unpinned.
 * A study group's mini-report passes its own members instead (GROUP_MEMBER).
 * Protocols (issue 25): each row names how its run reduced the batch loss. The study's rows are
 * PRESETS (M0–M1h summed, as the study ran them); the other protocol's runs — the batch-mean variants
 * "M1c · batch mean" — are chosen the same way among their own exact runs (`forms` =
 * BATCH_MEAN_PRESETS, no pins) and shown apart. Published figures are attached only when `comparable`
 * (EMNIST ByMerge) AND the row's run follows the study's protocol for that row; otherwise every
 * published and delta field is null.
 */
import { BATCH_MEAN_PRESETS, PRESETS, PROTOCOL_NAMES, variantName, type Preset, type PresetVariant } from '../../trainer/config/presets';
import { checkConfig, type LossReduction } from '../../trainer/config/schema';
import { changedFields, modifiedLabel } from '../../trainer/config/presetDiff';
import { PUBLISHED } from './published';

export type ReportChoice = 'PINNED' | 'BEST_EXACT' | 'GROUP_MEMBER';

/** What the report needs of a run (reportData.ts loads it). */
export interface ReportCandidate {
  id: string;
  name: string;
  preset: string | null;
  dataset: string;
  status: string;
  createdAt: Date;
  archivedAt: Date | null;
  presetExact: boolean | null;
  presetChanges: string[];
  /** The form of its preset it follows (null: as the study ran it; 'batch mean': the variant). */
  presetVariant: string | null;
  /** The stored config (compared with the row's preset when a run of another preset is pinned to it). */
  config: unknown;
  epochsConfigured: number | null;
  epochsTrained: number;
  /** Run.valAccuracy: the validation accuracy of its kept weights (the choice's criterion). */
  valAccuracy: number | null;
  evaluation: { accuracy: number; macroF1: number; crossEntropy: number; trainAccuracy: number | null; valAccuracy: number | null; valLoss: number | null } | null;
  /** The best epoch's figures, for runs whose evaluation lacks train/validation figures. */
  bestEpoch: { trainAccuracy: number; valAccuracy: number; valLoss: number } | null;
  /** Both curves when the run measured both (clipped to [0,1] or not), else the one its config asked for. */
  robustness: { sigma: number; accuracy: number; clipped: boolean }[];
}

export interface PinRecord {
  dataset: string;
  preset: string;
  runId: string;
  pinnedBy: string;
  pinnedById: string | null;
  pinnedAt: Date;
}

export interface ReportMetric {
  key: MetricKey;
  label: string;
  ours: number | null;
  published: number | null;
  delta: number | null;
  better: 'higher' | 'lower';
}

export interface ReportRow {
  preset: string;
  /** "summed gradients" or "batch mean": the row's run's, else the row form's. */
  protocol: string;
  /** Whether that is the study's own protocol for this row (the published figures are shown only then). */
  asPublished: boolean;
  presetGroup: string;
  description: string;
  runId: string | null;
  choice: ReportChoice | null;
  why: string;
  pin: PinRecord | null;
  label: string;
  modified: string[];
  runName: string | null;
  runPath: string | null;
  dataset: string;
  epochsTrained: number | null;
  epochsConfigured: number | null;
  exactRuns: number;
  modifiedRuns: number;
  metrics: ReportMetric[];
  robustness: { sigma: number; ours: number | null; published: number | null; delta: number | null }[];
}

export type MetricKey = 'testAccuracy' | 'macroF1' | 'crossEntropy' | 'trainAccuracy' | 'valAccuracy' | 'valLoss' | 'gainOverM0';

const METRICS: { key: MetricKey; label: string; better: 'higher' | 'lower' }[] = [
  { key: 'testAccuracy', label: 'Test accuracy', better: 'higher' },
  { key: 'macroF1', label: 'Test macro F1', better: 'higher' },
  { key: 'crossEntropy', label: 'Test cross-entropy', better: 'lower' },
  { key: 'trainAccuracy', label: 'Train accuracy', better: 'higher' },
  { key: 'valAccuracy', label: 'Validation accuracy', better: 'higher' },
  { key: 'valLoss', label: 'Validation loss', better: 'lower' },
  { key: 'gainOverM0', label: 'Test accuracy gain over M0', better: 'higher' },
];

type Figures = Record<Exclude<MetricKey, 'gainOverM0'>, number | null>;

const pct = (x: number | undefined) => (x === undefined ? null : x / 100);

/** The study's figures for a preset, as fractions (losses as published); null where it gave none. */
export function publishedFigures(preset: string): { figures: Figures; robustness: { sigmas: number[]; accuracy: number[] } | null } {
  const fit = [...PUBLISHED.m1Results, ...PUBLISHED.engineAgreement, ...PUBLISHED.m3Results].find((m) => m.model === preset);
  const test = PUBLISHED.testResults.find((t) => t.model === preset);
  const curve = (PUBLISHED.robustness.accuracy as Record<string, readonly number[]>)[preset];
  return {
    figures: {
      testAccuracy: pct(test?.accuracy),
      macroF1: pct(test?.f1Macro),
      crossEntropy: test?.crossEntropy ?? null,
      trainAccuracy: pct(fit?.trainAcc),
      valAccuracy: pct(fit?.valAcc),
      valLoss: fit?.valLoss ?? null,
    },
    robustness: curve ? { sigmas: [...PUBLISHED.robustness.sigmas], accuracy: curve.map((a) => a / 100) } : null,
  };
}

/** Our figures of a run: its stored evaluation; train/validation from its best epoch when the evaluation lacks them. */
export function ourFigures(run: ReportCandidate | null): Figures {
  const e = run?.evaluation ?? null;
  return {
    testAccuracy: e?.accuracy ?? null,
    macroF1: e?.macroF1 ?? null,
    crossEntropy: e?.crossEntropy ?? null,
    trainAccuracy: e?.trainAccuracy ?? run?.bestEpoch?.trainAccuracy ?? null,
    valAccuracy: e?.valAccuracy ?? run?.bestEpoch?.valAccuracy ?? null,
    valLoss: e?.valLoss ?? run?.bestEpoch?.valLoss ?? null,
  };
}

const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

export interface Chosen {
  run: ReportCandidate | null;
  choice: ReportChoice | null;
  pin: PinRecord | null;
  exactRuns: number;
  modifiedRuns: number;
}

const byValidationThenNewest = (a: ReportCandidate, b: ReportCandidate) =>
  (b.valAccuracy ?? -1) - (a.valAccuracy ?? -1) || b.createdAt.getTime() - a.createdAt.getTime();

/** Whether a run is an exact run of this form of a row (the row as published, or its variant). */
const isExactOf = (r: ReportCandidate, form: Preset) => r.preset === form.row && r.presetExact === true && (r.presetVariant ?? null) === form.variant;

/**
 * The run standing for each row (keyed by row name) among the runs of `forms`: pinned (the study's
 * rows only: pins name a row of the study), else the best finished exact unarchived run of that form.
 * `modifiedCounts` is keyed by form name ("M1c", "M1c · batch mean").
 */
export function chooseRuns(candidates: ReportCandidate[], pins: PinRecord[], modifiedCounts: Map<string, number> = new Map(), forms: Preset[] = PRESETS): Map<string, Chosen> {
  const out = new Map<string, Chosen>();
  for (const form of forms) {
    const exact = candidates.filter((r) => isExactOf(r, form) && r.status === 'SUCCEEDED' && !r.archivedAt).sort(byValidationThenNewest);
    const pin = form.variant ? null : (pins.find((p) => p.preset === form.row) ?? null);
    const pinned = pin ? (candidates.find((r) => r.id === pin.runId) ?? null) : null;
    const run = pinned ?? exact[0] ?? null;
    out.set(form.row, {
      run,
      choice: pinned ? 'PINNED' : run ? 'BEST_EXACT' : null,
      pin: pinned ? pin : null,
      exactRuns: exact.length,
      modifiedRuns: modifiedCounts.get(form.name) ?? 0,
    });
  }
  return out;
}

/** The batch-mean variants' rows of the report (the other protocol, shown apart). */
export const OTHER_PROTOCOL_FORMS = BATCH_MEAN_PRESETS;

/** A study group's members, one per preset (the caller passes the current member of each). */
export function groupChoice(members: ReportCandidate[]): Map<string, Chosen> {
  const out = new Map<string, Chosen>();
  for (const preset of PRESETS) {
    const run = members.find((r) => r.preset === preset.name) ?? null;
    out.set(preset.name, { run, choice: run ? 'GROUP_MEMBER' : null, pin: null, exactRuns: run?.presetExact ? 1 : 0, modifiedRuns: run && run.presetExact === false ? 1 : 0 });
  }
  return out;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * How the run differs from the row, and the name of the form it is compared with: its stored changes
 * against the form it follows when it was launched as that row ("M1c · batch mean"), else a fresh
 * comparison with `preset` (a run of another preset pinned to the row).
 */
function differences(run: ReportCandidate, preset: Preset): { form: string; changes: string[] } {
  if (run.preset === preset.row) return { form: variantName(preset.row, (run.presetVariant as PresetVariant | null) ?? null), changes: run.presetChanges };
  const checked = checkConfig(run.config);
  return { form: preset.name, changes: checked.ok ? changedFields(checked.config, preset.config) : ['config (no longer valid)'] };
}

/** The loss reduction a run trained with (configs stored before the field existed averaged). */
function reductionOf(run: ReportCandidate): LossReduction {
  const stored = (run.config as { lossReduction?: unknown } | null)?.lossReduction;
  return stored === 'sum' ? 'sum' : 'mean';
}

function why(preset: Preset, c: Chosen, dataset: string): string {
  if (c.choice === 'PINNED' && c.pin) return `pinned by ${c.pin.pinnedBy} on ${day(c.pin.pinnedAt)}${c.run?.archivedAt ? ' (the run is archived)' : ''}`;
  if (c.choice === 'GROUP_MEMBER' && c.run) return c.run.status === 'SUCCEEDED' ? "this study's run" : `this study's run (${c.run.status.toLowerCase()})`;
  if (c.choice === 'BEST_EXACT') return c.exactRuns === 1 ? 'the only finished exact run' : `best of ${c.exactRuns} finished exact runs by validation accuracy`;
  if (c.modifiedRuns > 0) return `no finished exact run; ${c.modifiedRuns} modified run${c.modifiedRuns === 1 ? ' is' : 's are'} not used unless pinned`;
  return `no finished ${preset.name} run on ${dataset}`;
}

/** Why a row that could compare shows no published figure: its run follows the other protocol. */
const otherProtocolWhy = (row: Preset, run: ReportCandidate) =>
  `; trained with ${PROTOCOL_NAMES[reductionOf(run)]}, not the study's ${PROTOCOL_NAMES[row.config.lossReduction]} for ${row.row}, so the published figures are not set beside it`;

export interface BuildOptions {
  dataset: string;
  /** Attach the published figures (EMNIST ByMerge only). */
  comparable: boolean;
  /** Which robustness curve to compare: noisy pixels clamped to [0,1] or not (the presets' protocol). */
  robustnessClip?: boolean;
  /** The forms the rows are for: the study's rows (default) or the batch-mean variants. */
  forms?: Preset[];
}

/** The report's rows from the chosen runs (keyed by row name), one per form. */
export function buildRows(chosen: Map<string, Chosen>, { dataset, comparable, robustnessClip = false, forms = PRESETS }: BuildOptions): ReportRow[] {
  const m0 = chosen.get('M0')?.run ?? null;
  const m0Ours = ourFigures(m0).testAccuracy;
  const m0AsPublished = !m0 || reductionOf(m0) === PRESETS[0].config.lossReduction;
  const m0Published = comparable && m0AsPublished ? publishedFigures('M0').figures.testAccuracy : null;
  return forms.map((preset) => {
    const c = chosen.get(preset.row)!;
    const run = c.run;
    const ours = ourFigures(run);
    // The study's protocol for this row is its published form's; a variant, or a run trained the other way, is not.
    const studyForm = PRESETS.find((p) => p.name === preset.row) ?? preset;
    const asPublished = preset.variant === null && (!run || reductionOf(run) === studyForm.config.lossReduction);
    const published = comparable && asPublished ? publishedFigures(preset.row) : null;
    const metrics = METRICS.map(({ key, label, better }) => {
      let o: number | null;
      let p: number | null;
      if (key === 'gainOverM0') {
        o = preset.row === 'M0' ? null : sub(ours.testAccuracy, m0Ours);
        p = preset.row === 'M0' || !published ? null : sub(published.figures.testAccuracy, m0Published);
      } else {
        o = ours[key];
        p = published?.figures[key] ?? null;
      }
      return { key, label, better, ours: o, published: p, delta: sub(o, p) };
    });
    const curve = run?.robustness.filter((r) => r.clipped === robustnessClip) ?? [];
    const sigmas = [...new Set([...curve.map((r) => r.sigma), ...(published?.robustness?.sigmas ?? [])])].sort((a, b) => a - b);
    const robustness = sigmas.map((sigma) => {
      const o = curve.find((r) => Math.abs(r.sigma - sigma) < 1e-9)?.accuracy ?? null;
      const k = published?.robustness?.sigmas.findIndex((s) => Math.abs(s - sigma) < 1e-9) ?? -1;
      const p = k >= 0 ? published!.robustness!.accuracy[k] : null;
      return { sigma, ours: o, published: p, delta: sub(o, p) };
    });
    const { form, changes: modified } = run ? differences(run, preset) : { form: preset.name, changes: [] };
    return {
      preset: preset.row,
      protocol: PROTOCOL_NAMES[run ? reductionOf(run) : preset.config.lossReduction],
      asPublished,
      presetGroup: preset.group,
      description: preset.description,
      runId: run?.id ?? null,
      choice: c.choice,
      why: why(preset, c, dataset) + (comparable && run && preset.variant === null && !asPublished ? otherProtocolWhy(studyForm, run) : ''),
      pin: c.pin,
      label: modifiedLabel(form, modified),
      modified,
      runName: run?.name ?? null,
      runPath: run ? `/runs/${run.id}` : null,
      dataset,
      epochsTrained: run ? run.epochsTrained : null,
      epochsConfigured: run?.epochsConfigured ?? null,
      exactRuns: c.exactRuns,
      modifiedRuns: c.modifiedRuns,
      metrics,
      robustness,
    };
  });
}
