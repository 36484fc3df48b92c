/**
 * Rebuilds the study's tables from runs in the database: for each preset the most recent finished run
 * (optionally on one dataset), beside the published figures. Values are fractions (like the API);
 * published percentages are divided by 100 here so both columns share units. Pure; unit-tested.
 */
import { PUBLISHED } from './published';

export interface ReportRun {
  id: string;
  name: string;
  preset: string | null;
  engine: string;
  dataset: string;
  createdAt: string;
  parameters: number | null;
  group: string | null;
  epochs: { epoch: number; trainLoss: number; trainAccuracy: number; valLoss: number; valAccuracy: number }[];
  evaluation: { accuracy: number; macroF1: number; crossEntropy: number; trainAccuracy: number | null; trainLoss: number | null; valAccuracy: number | null; valLoss: number | null } | null;
  robustness: { sigma: number; accuracy: number }[];
  bestEpoch: number | null;
}

/** The newest run per preset (runs arrive newest first but we sort to be sure). */
export function latestByPreset(runs: ReportRun[], dataset: string | null): Map<string, ReportRun> {
  const out = new Map<string, ReportRun>();
  const sorted = [...runs].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  for (const r of sorted) {
    if (!r.preset || (dataset && r.dataset !== dataset)) continue;
    if (!out.has(r.preset)) out.set(r.preset, r);
  }
  return out;
}

/** Train/val accuracy and val loss of a run: its evaluation if recorded, else its best (or last) epoch. */
export function fitFigures(r: ReportRun | undefined): { trainAcc: number | null; valAcc: number | null; valLoss: number | null } {
  if (!r) return { trainAcc: null, valAcc: null, valLoss: null };
  const e = r.epochs.find((x) => x.epoch === r.bestEpoch) ?? r.epochs.at(-1);
  return {
    trainAcc: r.evaluation?.trainAccuracy ?? e?.trainAccuracy ?? null,
    valAcc: r.evaluation?.valAccuracy ?? e?.valAccuracy ?? null,
    valLoss: r.evaluation?.valLoss ?? e?.valLoss ?? null,
  };
}

export interface FitRow { model: string; runId: string | null; ours: ReturnType<typeof fitFigures>; published: { trainAcc: number; valAcc: number; valLoss: number } | null; parameters: number | null }

const p100 = (x: number) => x / 100;

export function m1Table(byPreset: Map<string, ReportRun>): FitRow[] {
  return PUBLISHED.m1Results.map((m) => {
    const r = byPreset.get(m.model);
    return { model: m.model, runId: r?.id ?? null, ours: fitFigures(r), published: { trainAcc: p100(m.trainAcc), valAcc: p100(m.valAcc), valLoss: m.valLoss }, parameters: r?.parameters ?? (PUBLISHED.presets as Record<string, { params?: number }>)[m.model]?.params ?? null };
  });
}

export function engineTable(byPreset: Map<string, ReportRun>): (FitRow & { engine: string })[] {
  return PUBLISHED.engineAgreement.map((m) => {
    const r = byPreset.get(m.model);
    return { model: m.model, engine: m.engine, runId: r?.id ?? null, ours: fitFigures(r), published: { trainAcc: p100(m.trainAcc), valAcc: p100(m.valAcc), valLoss: m.valLoss }, parameters: r?.parameters ?? null };
  });
}

export function m3Table(byPreset: Map<string, ReportRun>): FitRow[] {
  return PUBLISHED.m3Results.map((m) => {
    const r = byPreset.get(m.model);
    return { model: m.model, runId: r?.id ?? null, ours: fitFigures(r), published: { trainAcc: p100(m.trainAcc), valAcc: p100(m.valAcc), valLoss: m.valLoss }, parameters: r?.parameters ?? null };
  });
}

export interface TestRow {
  model: string;
  runId: string | null;
  ours: { accuracy: number; macroF1: number; crossEntropy: number } | null;
  published: { accuracy: number; macroF1: number; crossEntropy: number };
  /** Accuracy gain over M0 in percentage points (ours from our M0 run, published from the study). */
  oursGainPp: number | null;
  publishedGainPp: number;
}

export function testTable(byPreset: Map<string, ReportRun>): TestRow[] {
  const m0 = byPreset.get('M0')?.evaluation?.accuracy ?? null;
  const pubM0 = PUBLISHED.testResults.find((t) => t.model === 'M0')!.accuracy;
  return PUBLISHED.testResults.map((t) => {
    const ev = byPreset.get(t.model)?.evaluation ?? null;
    return {
      model: t.model,
      runId: byPreset.get(t.model)?.id ?? null,
      ours: ev ? { accuracy: ev.accuracy, macroF1: ev.macroF1, crossEntropy: ev.crossEntropy } : null,
      published: { accuracy: p100(t.accuracy), macroF1: p100(t.f1Macro), crossEntropy: t.crossEntropy },
      oursGainPp: ev && m0 != null ? 100 * (ev.accuracy - m0) : null,
      publishedGainPp: t.accuracy - pubM0,
    };
  });
}

export interface RobustnessRow { model: string; runId: string | null; sigmas: number[]; ours: (number | null)[]; published: number[] }

export function robustnessTable(byPreset: Map<string, ReportRun>): RobustnessRow[] {
  const sigmas = [...PUBLISHED.robustness.sigmas];
  return (Object.keys(PUBLISHED.robustness.accuracy) as (keyof typeof PUBLISHED.robustness.accuracy)[]).map((model) => {
    const r = byPreset.get(model);
    return {
      model,
      runId: r?.id ?? null,
      sigmas,
      ours: sigmas.map((s) => r?.robustness.find((p) => Math.abs(p.sigma - s) < 1e-9)?.accuracy ?? null),
      published: PUBLISHED.robustness.accuracy[model].map(p100),
    };
  });
}
