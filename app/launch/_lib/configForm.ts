/**
 * Converts between a RunConfig and the launch form's string fields, and validates what was typed:
 * each number strictly (parse.ts) against its range (fields.ts), in plain words naming the field and
 * what was typed, then the whole config with the API's own schema (checkConfig) for the rules that
 * span fields (the split adds up to 1, what the scratch engine supports). Only fields the form shows
 * count. Pure; unit-tested.
 */
import { checkConfig, DEFAULT_CONFIG, type RunConfig } from '../../../trainer/config/schema';
import { NUMBER_FIELDS, inRange, labelOf, rangeText } from './fields';
import { parseList, parseNumber, type Parsed } from './parse';

/** Every form field, keyed by its config path. */
export type FormValues = Record<string, string | boolean>;

export interface FieldIssue { field: string; message: string }

export function configToForm(c: RunConfig): FormValues {
  const sched = c.schedule as Record<string, unknown>;
  const split = c.split as Record<string, unknown>;
  return {
    engine: c.engine,
    hidden: c.hidden.join(', '),
    activation: c.activation,
    optimizer: c.optimizer,
    lr: String(c.lr),
    momentum: String(c.momentum),
    beta1: String(c.beta1),
    beta2: String(c.beta2),
    epsilon: String(c.epsilon),
    l2: String(c.l2),
    weightDecay: String(c.weightDecay),
    weightDecayMode: c.weightDecayMode,
    lossReduction: c.lossReduction ?? 'mean',
    batchNorm: c.batchNorm,
    dropout: String(c.dropout),
    batchSize: String(c.batchSize),
    epochs: String(c.epochs),
    earlyStopping: c.earlyStopping !== null,
    'earlyStopping.patience': String(c.earlyStopping?.patience ?? 5),
    'earlyStopping.minDelta': String(c.earlyStopping?.minDelta ?? 0),
    'schedule.type': c.schedule.type,
    'schedule.alpha': String(sched.alpha ?? 1.8e-5),
    'schedule.minLr': String(sched.minLr ?? 1e-4),
    'schedule.gamma': String(sched.gamma ?? 0.95),
    'split.mode': c.split.mode,
    'split.train': String(split.train ?? 0.7),
    'split.val': String(split.val ?? 0.1),
    'split.test': String(split.test ?? 0.2),
    'split.valFraction': String(split.valFraction ?? 0.125),
    seed: String(c.seed),
    'robustness.sigmas': c.robustness.sigmas.join(', '),
    'robustness.clip': c.robustness.clip,
    backend: c.backend,
    threads: String(c.threads ?? 0),
  };
}

/** Whether the form shows a field with these values (fields of another schedule, split or optimizer are hidden). */
export function isShown(field: string, v: FormValues): boolean {
  if (field.startsWith('earlyStopping.')) return Boolean(v.earlyStopping);
  if (field === 'schedule.alpha' || field === 'schedule.minLr') return v['schedule.type'] === 'linear';
  if (field === 'schedule.gamma') return v['schedule.type'] === 'exponential';
  if (field === 'split.valFraction') return v['split.mode'] === 'official';
  if (field === 'split.train' || field === 'split.val' || field === 'split.test') return v['split.mode'] === 'stratified';
  if (field === 'momentum') return v.optimizer === 'sgd';
  if (field === 'beta1' || field === 'beta2' || field === 'epsilon') return v.optimizer === 'adam';
  if (field === 'dropout' || field === 'weightDecay' || field === 'weightDecayMode' || field === 'batchNorm') return v.engine === 'layers';
  return true;
}

function numberIssue(field: string, raw: string, parsed: Parsed | null, value?: number): string | null {
  const f = NUMBER_FIELDS[field];
  if (parsed && !parsed.ok) {
    if (parsed.reason === 'empty') return `${f.label} is required.`;
    if (parsed.reason === 'not-whole') return `${f.label} must be a whole number (got “${raw.trim()}”).`;
    return `${f.label} must be a number${f.integer ? '' : ' like 0.001'} (got “${raw.trim()}”).`;
  }
  if (value !== undefined && !inRange(f, value)) return `${f.label} must be ${rangeText(f)} (got ${raw.trim()}).`;
  return null;
}

function listIssue(field: string, text: string): { values: number[]; message: string | null } {
  const f = NUMBER_FIELDS[field];
  const { items, raw } = parseList(text, f.integer);
  const bad = items.findIndex((p) => !p.ok);
  const values = items.map((p) => (p.ok ? p.value : NaN));
  const kind = f.integer ? 'whole numbers' : 'numbers';
  if (bad >= 0) return { values, message: `${f.label} must be ${kind} separated by commas, like ${f.list!.example} (got “${raw[bad]}”).` };
  if (values.length < f.list!.minItems) return { values, message: `${f.label}: give at least ${f.list!.minItems}, like ${f.list!.example}.` };
  if (values.length > f.list!.maxItems) return { values, message: `${f.label}: at most ${f.list!.maxItems} (got ${values.length}).` };
  const out = values.find((v) => !inRange(f, v));
  if (out !== undefined) return { values, message: `${f.label}: each must be ${rangeText(f)} (got ${out}).` };
  return { values, message: null };
}

const DEFAULT_FORM = configToForm(DEFAULT_CONFIG);

/** Whether a field's text reads as a valid value on its own (parses and lies in its range). */
function readable(field: string, raw: string): boolean {
  const f = NUMBER_FIELDS[field];
  if (f.list) return listIssue(field, raw).message === null;
  const parsed = parseNumber(raw, f.integer);
  return parsed.ok && inRange(f, parsed.value);
}

/** Form → config candidate plus the problems found in the fields the form shows. */
export function formToConfig(v: FormValues): { config: Record<string, unknown>; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const n: Record<string, number> = {};
  const lists: Record<string, number[]> = {};
  for (const [field, f] of Object.entries(NUMBER_FIELDS)) {
    // A field the form hides keeps no say: what it holds cannot stop a launch, so an unreadable value there is the default.
    const raw = String(v[field] ?? '');
    if (!isShown(field, v) && !readable(field, raw)) {
      const fallback = String(DEFAULT_FORM[field]);
      if (f.list) lists[field] = listIssue(field, fallback).values;
      else n[field] = Number(fallback);
      continue;
    }
    let message: string | null;
    if (f.list) {
      const r = listIssue(field, raw);
      lists[field] = r.values;
      message = r.message;
    } else {
      const parsed = parseNumber(raw, f.integer);
      n[field] = parsed.ok ? parsed.value : NaN;
      message = numberIssue(field, raw, parsed.ok ? null : parsed, parsed.ok ? parsed.value : undefined);
    }
    if (message && isShown(field, v)) issues.push({ field, message });
  }
  const stype = v['schedule.type'];
  const config = {
    engine: v.engine,
    hidden: lists.hidden,
    activation: v.activation,
    optimizer: v.optimizer,
    lr: n.lr,
    momentum: n.momentum,
    beta1: n.beta1,
    beta2: n.beta2,
    epsilon: n.epsilon,
    l2: n.l2,
    weightDecay: v.engine === 'layers' ? n.weightDecay : 0,
    weightDecayMode: v.weightDecayMode,
    lossReduction: v.lossReduction,
    batchNorm: v.engine === 'layers' && Boolean(v.batchNorm),
    dropout: v.engine === 'layers' ? n.dropout : 0,
    batchSize: n.batchSize,
    epochs: n.epochs,
    earlyStopping: v.earlyStopping ? { patience: n['earlyStopping.patience'], minDelta: n['earlyStopping.minDelta'] } : null,
    schedule: stype === 'linear' ? { type: 'linear', alpha: n['schedule.alpha'], minLr: n['schedule.minLr'] } : stype === 'exponential' ? { type: 'exponential', gamma: n['schedule.gamma'] } : { type: 'constant' },
    split: v['split.mode'] === 'official' ? { mode: 'official', valFraction: n['split.valFraction'] } : { mode: 'stratified', train: n['split.train'], val: n['split.val'], test: n['split.test'] },
    seed: n.seed,
    robustness: { sigmas: lists['robustness.sigmas'], clip: Boolean(v['robustness.clip']) },
    backend: v.backend,
    threads: n.threads,
  };
  return { config, issues };
}

/** A schema message for a rule that spans fields, in words ("Train, validation and test shares must add up to 1 (they add up to 1.1)"). */
export function describeSchemaIssue(field: string, message: string): string {
  const sum = /^train \+ val \+ test must be 1 \(is (.+)\)$/.exec(message);
  if (sum) return `Train, validation and test shares must add up to 1 (they add up to ${Number(Number(sum[1]).toFixed(6))}).`;
  return `${labelOf(field)}: ${message}.`;
}

/** Maps a schema path ('hidden.0', 'robustness.sigmas.2') to the form field that shows it. */
export function fieldKey(path: string): string {
  const p = path.replace(/^config\./, '');
  if (p.startsWith('hidden')) return 'hidden';
  if (p.startsWith('robustness.sigmas')) return 'robustness.sigmas';
  return p;
}

/** Parse, then validate with the API's schema; a field that failed to parse is reported once, in its own words. */
export function validateForm(v: FormValues): { ok: true; config: RunConfig } | { ok: false; issues: FieldIssue[] } {
  const { config, issues } = formToConfig(v);
  const checked = checkConfig(config);
  if (checked.ok && issues.length === 0) return { ok: true, config: checked.config };
  const seen = new Set(issues.map((i) => i.field));
  const schemaIssues = checked.ok ? [] : checked.issues
    .map((i) => ({ field: fieldKey(i.field), message: i.message }))
    .filter((i) => !seen.has(i.field) && isShown(i.field, v))
    .map((i) => ({ field: i.field, message: describeSchemaIssue(i.field, i.message) }));
  return { ok: false, issues: [...issues, ...schemaIssues] };
}
