'use client';
/**
 * The launch form. Starts from a preset (PRESETS, imported from the trainer's pure config module) or
 * from an existing run's config (?from=ID); every RunConfig field is editable and validated on each
 * change with the API's own schema, with the message beside the field. Submitting queues the run and
 * lands on its page; an invalid form queues nothing. "Reproduce the study" queues M0–M3b as one group.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ACTIVATIONS, BACKENDS, ENGINES, OPTIMIZERS, type ConfigIssue, type RunConfig } from '../../trainer/config/schema';
import { PRESETS, countParameters } from '../../trainer/config/presets';
import { GqlError, gql } from '../_lib/graphql';
import { useQuery } from '../_lib/hooks';
import { LAUNCH_RUN, LAUNCH_STUDY, PRESETS_QUERY, RUN_QUERY } from '../_lib/queries';
import { RunEstimate } from './RunEstimate';
import type { RunDetail } from '../_lib/types';
import { configToForm, fieldKey, validateForm, type FormValues } from './configForm';
import { Card, ErrorBox, buttonClass } from './ui';

interface DatasetChoice { name: string; title: string; available: boolean; isDefault: boolean; hint: string | null }

const inputClass = (bad: boolean) =>
  `mt-1 w-full rounded-md border px-2 py-1.5 text-sm focus:outline-none ${bad ? 'border-red-400 bg-red-50 focus:border-red-500' : 'border-slate-300 focus:border-sky-500'}`;

export function LaunchForm({ from, preset }: { from: string | null; preset: string | null }) {
  const router = useRouter();
  const initialPreset = PRESETS.find((p) => p.name.toLowerCase() === (preset ?? '').toLowerCase()) ?? PRESETS[0];
  const [presetName, setPresetName] = useState<string>(from ? '' : initialPreset.name);
  const [values, setValues] = useState<FormValues>(() => configToForm(initialPreset.config));
  const [meta, setMeta] = useState({ name: '', tags: '', notes: '', dataset: '' });
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<ConfigIssue[]>([]);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [studyEpochs, setStudyEpochs] = useState('');
  const [studyMsg, setStudyMsg] = useState<string | null>(null);

  const info = useQuery<{ datasets: DatasetChoice[]; system: { defaultDataset: string; workers: number; queued: number } }>(PRESETS_QUERY, {});
  const source = useQuery<{ run: RunDetail | null }>(RUN_QUERY, from ? { id: from } : null);

  useEffect(() => {
    const d = info.data;
    if (d && !meta.dataset) setMeta((m) => ({ ...m, dataset: d.system.defaultDataset || d.datasets.find((x) => x.isDefault)?.name || d.datasets[0]?.name || '' }));
  }, [info.data, meta.dataset]);
  useEffect(() => {
    const r = source.data?.run;
    if (!r) return;
    setValues(configToForm(r.config));
    setPresetName(r.preset ?? '');
    setMeta({ name: `${r.name} (copy)`, tags: r.tags.join(', '), notes: r.notes ?? '', dataset: r.dataset });
  }, [source.data]);

  const result = useMemo(() => validateForm(values), [values]);
  const issues = [...(result.ok ? [] : result.issues), ...serverIssues];
  const issuesFor = (key: string) => issues.filter((i) => i.field === key || (key === 'split' && i.field === 'split'));
  const show = (key: string) => submitted || touched.has(key);
  const params = result.ok ? countParameters(784, result.config.hidden, 47, result.config.batchNorm) : null;

  const set = (key: string, v: string | boolean) => {
    setValues((cur) => ({ ...cur, [key]: v }));
    setTouched((t) => new Set(t).add(key));
    setServerIssues((s) => s.filter((i) => i.field !== key));
  };
  const choosePreset = (name: string) => {
    const p = PRESETS.find((x) => x.name === name);
    if (!p) return;
    setPresetName(name);
    setValues(configToForm(p.config));
    setTouched(new Set());
    setServerIssues([]);
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setSubmitError(null);
    if (!result.ok) return; // nothing is queued while any field is invalid
    setBusy(true);
    try {
      const tags = [...new Set(meta.tags.split(',').map((t) => t.trim()).filter(Boolean))];
      const input = {
        ...(meta.name.trim() ? { name: meta.name.trim() } : {}),
        ...(presetName ? { preset: presetName } : {}),
        ...(meta.dataset ? { dataset: meta.dataset } : {}),
        ...(meta.notes.trim() ? { notes: meta.notes.trim() } : {}),
        tags,
        config: result.config,
      };
      const r = await gql<{ launchRun: { id: string } }>(LAUNCH_RUN, { input });
      router.push(`/runs/${encodeURIComponent(r.launchRun.id)}`);
    } catch (err) {
      const fi = err instanceof GqlError ? err.fieldIssues : [];
      if (fi.length) setServerIssues(fi.map((i) => ({ field: fieldKey(i.field.replace(/^config\./, '')), message: i.message })));
      setSubmitError((err as Error).message);
      setBusy(false);
    }
  }

  async function reproduceStudy() {
    setStudyMsg(null);
    setSubmitError(null);
    const epochs = studyEpochs.trim() ? Number(studyEpochs) : null;
    if (epochs !== null && !(Number.isInteger(epochs) && epochs > 0)) {
      setStudyMsg('Epochs override must be a positive whole number (or empty for the study\'s own).');
      return;
    }
    setBusy(true);
    try {
      const r = await gql<{ launchStudy: { id: string; runs: { id: string }[] } }>(LAUNCH_STUDY, {
        input: { ...(meta.dataset ? { dataset: meta.dataset } : {}), ...(epochs ? { overrides: { epochs } } : {}) },
      });
      setStudyMsg(`Queued ${r.launchStudy.runs.length} runs as group ${r.launchStudy.id}.`);
      router.push('/');
    } catch (err) {
      setSubmitError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  // Plain functions, not components: a component defined in render would remount (and lose focus) on every keystroke.
  const field = (k: string, label: string, hint: string | undefined, control: ReactNode) => {
    const errs = show(k) ? issuesFor(k) : [];
    return (
      <div key={k} data-field={k}>
        <label className="block text-xs font-medium text-slate-700" htmlFor={`f-${k}`}>{label}{hint && <span className="ml-1 font-normal text-slate-400">{hint}</span>}</label>
        {control}
        <div className="min-h-[1rem] text-xs text-red-700" role={errs.length ? 'alert' : undefined} data-testid={`error-${k}`}>{errs.map((e) => e.message).join('; ')}</div>
      </div>
    );
  };
  const text = (k: string, label: string, hint?: string) =>
    field(k, label, hint, <input id={`f-${k}`} name={k} value={String(values[k] ?? '')} onChange={(e) => set(k, e.target.value)} className={inputClass(show(k) && issuesFor(k).length > 0)} inputMode="decimal" autoComplete="off" />);
  const select = (k: string, label: string, options: readonly string[]) =>
    field(k, label, undefined, (
      <select id={`f-${k}`} name={k} value={String(values[k])} onChange={(e) => set(k, e.target.value)} className={inputClass(show(k) && issuesFor(k).length > 0)}>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    ));
  const check = (k: string, label: string) =>
    field(k, '\u00a0', undefined, <label className="mt-1 inline-flex items-center gap-2 py-1.5 text-sm"><input id={`f-${k}`} name={k} type="checkbox" checked={Boolean(values[k])} onChange={(e) => set(k, e.target.checked)} className="h-4 w-4 accent-sky-700" />{label}</label>);

  const presetInfo = PRESETS.find((p) => p.name === presetName);
  const layers = values.engine === 'layers';
  const datasets = info.data?.datasets ?? [];
  const chosenDataset = datasets.find((d) => d.name === meta.dataset);

  return (
    <form onSubmit={submit} noValidate className="grid grid-cols-1 gap-4 lg:grid-cols-[1fr_320px]" data-testid="launch-form">
      <div className="space-y-4">
        {from && source.error && <ErrorBox title={`Could not load run ${from} to clone`} error={source.error} />}
        {from && source.data && !source.data.run && <ErrorBox title="Run to clone not found" error={`No run with id ${from}; starting from the preset instead.`} />}
        <Card title="Start from">
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            <div className="col-span-2">
              <label className="block text-xs font-medium text-slate-700" htmlFor="f-preset">Preset</label>
              <select id="f-preset" name="preset" value={presetName} onChange={(e) => choosePreset(e.target.value)} className={inputClass(false)}>
                {!presetName && <option value="">{from ? `run ${from}` : 'custom'}</option>}
                {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name} · {p.group}</option>)}
              </select>
              <p className="mt-1 min-h-[2rem] text-xs text-slate-500">{presetInfo?.description ?? (from ? 'Cloned from an existing run; edit anything below.' : '')}</p>
            </div>
            <div className="col-span-2">
              <label className="block text-xs font-medium text-slate-700" htmlFor="f-dataset">Dataset</label>
              <select id="f-dataset" name="dataset" value={meta.dataset} onChange={(e) => setMeta((m) => ({ ...m, dataset: e.target.value }))} className={inputClass(false)}>
                {datasets.length === 0 && <option value={meta.dataset}>{meta.dataset || (info.loading ? 'loading…' : 'default')}</option>}
                {datasets.map((d) => <option key={d.name} value={d.name} disabled={!d.available}>{d.title}{d.available ? '' : ' (missing)'}</option>)}
              </select>
              <p className="mt-1 text-xs text-slate-500">{chosenDataset && !chosenDataset.available ? chosenDataset.hint : info.error ? `Dataset list unavailable: ${info.error.message}` : '\u00a0'}</p>
            </div>
          </div>
        </Card>

        <Card title="Model">
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            {select('engine', 'Engine', ENGINES)}
            {text('hidden', 'Hidden layers', 'e.g. 128, 64')}
            {select('activation', 'Activation', ACTIVATIONS)}
            {select('backend', 'Backend', BACKENDS)}
            {check('batchNorm', 'BatchNorm (layers)')}
            {text('dropout', 'Dropout', layers ? '0 ≤ p < 1' : 'layers only')}
            {text('seed', 'Seed')}
            <div className="self-center pt-1 text-xs text-slate-500">{params != null ? `${params.toLocaleString('en-US')} parameters (47 classes)` : ''}</div>
          </div>
        </Card>

        <Card title="Optimisation">
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            {select('optimizer', 'Optimizer', OPTIMIZERS)}
            {text('lr', 'Learning rate η')}
            {text('batchSize', 'Batch size')}
            {text('epochs', 'Epochs')}
            {values.optimizer === 'sgd' ? text('momentum', 'Momentum β') : text('beta1', 'Adam β1')}
            {values.optimizer === 'adam' && text('beta2', 'Adam β2')}
            {values.optimizer === 'adam' && text('epsilon', 'Adam ε')}
            {text('l2', 'L2 λ', 'λ/2·ΣW²')}
            {text('weightDecay', 'Weight decay', 'layers only')}
            {select('weightDecayMode', 'Decay mode', ['coupled', 'decoupled'])}
          </div>
        </Card>

        <Card title="Schedule, early stopping, split, robustness">
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            {select('schedule.type', 'LR schedule', ['constant', 'linear', 'exponential'])}
            {values['schedule.type'] === 'linear' && text('schedule.alpha', 'Decay α per epoch')}
            {values['schedule.type'] === 'linear' && text('schedule.minLr', 'Minimum η')}
            {values['schedule.type'] === 'exponential' && text('schedule.gamma', 'Decay γ per epoch')}
          </div>
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            {check('earlyStopping', 'Early stopping')}
            {values.earlyStopping && text('earlyStopping.patience', 'Patience (epochs)')}
            {values.earlyStopping && text('earlyStopping.minDelta', 'Min improvement')}
          </div>
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            {select('split.mode', 'Split', ['stratified', 'official'])}
            {values['split.mode'] === 'stratified' ? (
              <>
                {text('split.train', 'Train share')}
                {text('split.val', 'Validation share')}
                {text('split.test', 'Test share')}
              </>
            ) : (
              text('split.valFraction', 'Validation share of train')
            )}
          </div>
          <div className="-mt-1 min-h-[1rem] text-xs text-red-700" data-testid="error-split" role={issuesFor('split').length ? 'alert' : undefined}>
            {submitted || [...touched].some((t) => t.startsWith('split')) ? issuesFor('split').map((i) => i.message).join('; ') : ''}
          </div>
          <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
            <div className="col-span-2">{text('robustness.sigmas', 'Noise levels σ', 'comma-separated')}</div>
            {check('robustness.clip', 'Clip noisy pixels to [0,1]')}
          </div>
        </Card>
      </div>

      <div className="space-y-4">
        <Card title="Run">
          <div className="space-y-2">
            <label className="block text-xs font-medium text-slate-700">Name <span className="font-normal text-slate-400">(optional)</span>
              <input name="name" value={meta.name} onChange={(e) => setMeta((m) => ({ ...m, name: e.target.value }))} placeholder={presetName || 'custom run'} className={inputClass(false)} />
            </label>
            <label className="block text-xs font-medium text-slate-700">Tags <span className="font-normal text-slate-400">(comma-separated)</span>
              <input name="tags" value={meta.tags} onChange={(e) => setMeta((m) => ({ ...m, tags: e.target.value }))} className={inputClass(false)} />
            </label>
            <label className="block text-xs font-medium text-slate-700">Notes
              <textarea name="notes" value={meta.notes} onChange={(e) => setMeta((m) => ({ ...m, notes: e.target.value }))} rows={2} className={inputClass(false)} />
            </label>
          </div>
          <div className="mt-3 min-h-[1.25rem] text-xs" data-testid="form-status">
            {!result.ok && (submitted || touched.size > 0) ? (
              <span className="text-red-700">{issues.length} field{issues.length === 1 ? '' : 's'} to fix before launching.</span>
            ) : info.data ? (
              <span className="text-slate-500">{info.data.system.queued} queued ahead · {info.data.system.workers} worker{info.data.system.workers === 1 ? '' : 's'}</span>
            ) : null}
          </div>
          <RunEstimate dataset={meta.dataset || null} config={result.ok ? result.config : null} />
          {submitError && <div className="mt-2"><ErrorBox title="Launch refused" error={submitError} /></div>}
          <button type="submit" disabled={busy} className={`${buttonClass.primary} mt-3 w-full`} data-testid="launch-submit">{busy ? 'Queuing…' : 'Launch run'}</button>
        </Card>

        <Card title="Reproduce the study">
          <p className="text-sm text-slate-600">Queues M0, M1a–M1h, M2, M3a and M3b on the chosen dataset as one group, for the study report.</p>
          <label className="mt-2 block text-xs font-medium text-slate-700">Epochs override <span className="font-normal text-slate-400">(empty = the study's own)</span>
            <input value={studyEpochs} onChange={(e) => setStudyEpochs(e.target.value)} inputMode="numeric" placeholder="e.g. 5 for a quick pass" className={inputClass(false)} />
          </label>
          {studyMsg && <p className="mt-2 text-xs text-slate-600">{studyMsg}</p>}
          <button type="button" disabled={busy} onClick={reproduceStudy} className={`${buttonClass.secondary} mt-3 w-full`}>Reproduce the study</button>
        </Card>
      </div>
    </form>
  );
}

export type { RunConfig };
