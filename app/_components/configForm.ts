/**
 * Converts between a RunConfig and the launch form's string fields, and validates with the shared zod
 * schema (checkConfig) so the form shows exactly the API's field messages. Pure; unit-tested.
 */
import { checkConfig, type ConfigIssue, type RunConfig } from '../../trainer/config/schema';

/** Every form field, keyed by its config path. */
export type FormValues = Record<string, string | boolean>;

const NUMBER_FIELDS = ['lr', 'momentum', 'beta1', 'beta2', 'epsilon', 'l2', 'weightDecay', 'dropout', 'batchSize', 'epochs', 'seed',
  'earlyStopping.patience', 'earlyStopping.minDelta', 'schedule.alpha', 'schedule.minLr', 'schedule.gamma',
  'split.train', 'split.val', 'split.test', 'split.valFraction'] as const;

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
  };
}

function parseNumber(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function parseList(s: string): (number | null)[] {
  return s.split(/[,\s]+/).filter(Boolean).map(parseNumber);
}

/** Form → config candidate plus the parse issues (text that is not a number) found on the way. */
export function formToConfig(v: FormValues): { config: Record<string, unknown>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const n: Record<string, number> = {};
  for (const f of NUMBER_FIELDS) {
    const raw = String(v[f] ?? '');
    const parsed = parseNumber(raw);
    if (parsed === null) issues.push({ field: f, message: raw.trim() === '' ? 'required' : `"${raw}" is not a number` });
    n[f] = parsed ?? NaN;
  }
  const hidden = parseList(String(v.hidden ?? ''));
  if (hidden.some((h) => h === null)) issues.push({ field: 'hidden', message: 'layer widths must be numbers, e.g. 128, 64' });
  const sigmas = parseList(String(v['robustness.sigmas'] ?? ''));
  if (sigmas.some((s) => s === null)) issues.push({ field: 'robustness.sigmas', message: 'noise levels must be numbers, e.g. 0, 0.1, 0.2' });
  const stype = v['schedule.type'];
  const smode = v['split.mode'];
  const config = {
    engine: v.engine,
    hidden: hidden.map((h) => h ?? NaN),
    activation: v.activation,
    optimizer: v.optimizer,
    lr: n.lr,
    momentum: n.momentum,
    beta1: n.beta1,
    beta2: n.beta2,
    epsilon: n.epsilon,
    l2: n.l2,
    weightDecay: n.weightDecay,
    weightDecayMode: v.weightDecayMode,
    batchNorm: Boolean(v.batchNorm),
    dropout: n.dropout,
    batchSize: n.batchSize,
    epochs: n.epochs,
    earlyStopping: v.earlyStopping ? { patience: n['earlyStopping.patience'], minDelta: n['earlyStopping.minDelta'] } : null,
    schedule: stype === 'linear' ? { type: 'linear', alpha: n['schedule.alpha'], minLr: n['schedule.minLr'] } : stype === 'exponential' ? { type: 'exponential', gamma: n['schedule.gamma'] } : { type: 'constant' },
    split: smode === 'official' ? { mode: 'official', valFraction: n['split.valFraction'] } : { mode: 'stratified', train: n['split.train'], val: n['split.val'], test: n['split.test'] },
    seed: n.seed,
    robustness: { sigmas: sigmas.map((s) => s ?? NaN), clip: Boolean(v['robustness.clip']) },
    backend: v.backend,
  };
  return { config, issues };
}

/** Parse, then validate with the API's schema; only issues for fields the form currently shows count. */
export function validateForm(v: FormValues): { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] } {
  const { config, issues } = formToConfig(v);
  const relevant = issues.filter((i) => isShown(i.field, v));
  const checked = checkConfig(config);
  if (checked.ok && relevant.length === 0) return { ok: true, config: checked.config };
  const seen = new Set(relevant.map((i) => i.field));
  // A field that failed to parse is reported once, with the parse message, not again as NaN.
  const schemaIssues = checked.ok ? [] : checked.issues.filter((i) => !seen.has(fieldKey(i.field)));
  return { ok: false, issues: [...relevant, ...schemaIssues.map((i) => ({ ...i, field: fieldKey(i.field) }))] };
}

/** Maps a schema path ('hidden.0', 'robustness.sigmas.2') to the form field that shows it. */
export function fieldKey(path: string): string {
  if (path.startsWith('hidden')) return 'hidden';
  if (path.startsWith('robustness.sigmas')) return 'robustness.sigmas';
  return path;
}

function isShown(field: string, v: FormValues): boolean {
  if (field.startsWith('earlyStopping.')) return Boolean(v.earlyStopping);
  if (field === 'schedule.alpha' || field === 'schedule.minLr') return v['schedule.type'] === 'linear';
  if (field === 'schedule.gamma') return v['schedule.type'] === 'exponential';
  if (field === 'split.valFraction') return v['split.mode'] === 'official';
  if (field === 'split.train' || field === 'split.val' || field === 'split.test') return v['split.mode'] === 'stratified';
  return true;
}
