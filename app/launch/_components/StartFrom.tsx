'use client';
/**
 * Where the run starts from: a preset (switching keeps the person's edits, says which, and offers the
 * preset's own values instead) and the dataset (missing ones are listed, disabled, with what to do).
 * Once the fields differ from the preset, it says so as every page will: "M0 (modified: hidden, epochs)".
 * The list holds each study row and its batch-mean variant ("M1c · batch mean"); the label compares
 * with the form of the row the batch loss field follows, as the server does.
 */
import { ALL_PRESETS, presetFormFor } from '../../../trainer/config/presets';
import { changedFields, modifiedLabel } from '../../../trainer/config/presetDiff';
import type { LaunchOptionsQuery } from '../../_graphql/generated';
import { labelOf } from '../_lib/fields';
import { Card, fieldClass } from '../../_components/ui';
import type { LaunchFormApi, Source } from './useLaunchForm';

const shown = (v: string | boolean) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : v);

export function StartFrom({ form, datasets, source }: { form: LaunchFormApi; datasets: LaunchOptionsQuery['datasets']; source: Source | null }) {
  const preset = ALL_PRESETS.find((p) => p.name === form.presetName);
  const launchForm = preset && form.result.ok ? (presetFormFor(preset.row, form.result.config) ?? preset) : preset;
  const chosen = datasets.find((d) => d.name === form.meta.dataset);
  const note = form.presetNote;
  return (
    <Card title="Start from">
      <div className="grid grid-cols-1 gap-x-4 gap-y-2 sm:grid-cols-2">
        <div className="min-w-0">
          <label className="block text-xs font-medium text-slate-800" htmlFor="f-preset">Preset</label>
          <select id="f-preset" name="preset" value={form.presetName} onChange={(e) => form.choosePreset(e.target.value)} className={fieldClass()} aria-describedby="f-preset-hint">
            {!form.presetName && <option value="">{source ? `run ${source.name}` : 'custom'}</option>}
            {ALL_PRESETS.map((p) => <option key={p.name} value={p.name}>{p.variant ? p.name : `${p.name} · ${p.group}`}</option>)}
          </select>
          <p id="f-preset-hint" className="mt-1 text-xs text-slate-600">{preset?.description ?? (source ? 'Cloned from an existing run; edit anything below.' : '')}</p>
          {launchForm && form.result.ok && (
            <p className="mt-1 text-xs font-medium text-slate-800" data-testid="preset-label" aria-live="polite">
              Launches as {modifiedLabel(launchForm.name, changedFields(form.result.config, launchForm.config))}
            </p>
          )}
        </div>
        <div className="min-w-0">
          <label className="block text-xs font-medium text-slate-800" htmlFor="f-dataset">Dataset</label>
          <select id="f-dataset" name="dataset" value={form.meta.dataset} onChange={(e) => form.setMeta((m) => ({ ...m, dataset: e.target.value }))} className={fieldClass()} aria-describedby="f-dataset-hint">
            {datasets.map((d) => <option key={d.name} value={d.name} disabled={!d.available}>{d.title}{d.available ? '' : ' (missing)'}</option>)}
          </select>
          <p id="f-dataset-hint" className="mt-1 break-words text-xs text-slate-600">{chosen ? (chosen.available ? `${chosen.classCount} classes` : chosen.hint) : ''}</p>
        </div>
      </div>
      {note && (
        <div className="mt-2 rounded-md border border-sky-200 bg-sky-50 p-2 text-sm text-sky-950" data-testid="preset-kept">
          {note.kept.length > 0 && <>Switched to {note.preset}, keeping your changes: {note.kept.map((k) => `${labelOf(k.field)} ${shown(k.yours)} (${note.preset} has ${shown(k.preset)})`).join('; ')}. </>}
          {note.fitted.length > 0 && <>{note.fitted.map(labelOf).join(', ')} went back to what the {String(form.values.engine)} engine supports. </>}
          <button type="button" className="font-medium text-sky-800 underline" onClick={form.takePresetValues}>Use {note.preset}’s values instead</button>
        </div>
      )}
    </Card>
  );
}
