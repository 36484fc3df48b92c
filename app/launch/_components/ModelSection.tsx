'use client';
/**
 * The model: engine, hidden layers, activation, backend, BatchNorm, dropout, seed, and the parameter
 * count for the chosen dataset's number of classes. Only the options the chosen engine supports are
 * offered, with a line saying why others are hidden; only backends some live worker has.
 */
import { ENGINES } from '../../../trainer/config/schema';
import { labelOf } from '../_lib/fields';
import { activationsFor, hiddenOptionsNote } from '../_lib/engine';
import { Card } from '../../_components/ui';
import { CheckField, SelectField, TextField } from './Field';
import type { LaunchFormApi } from './useLaunchForm';

export function ModelSection({ form, backends, parameters }: { form: LaunchFormApi; backends: { options: string[]; labels: Record<string, string>; note: string | null }; parameters: string | null }) {
  const backendNote = backends.note;
  const layers = form.values.engine === 'layers';
  const note = hiddenOptionsNote(form.values.engine);
  return (
    <Card title="Model">
      <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
        <SelectField form={form} k="engine" label="Engine" options={ENGINES} />
        <TextField form={form} k="hidden" label="Hidden layers" hint="widths, e.g. 128, 64" inputMode="text" />
        <SelectField form={form} k="activation" label="Activation" options={activationsFor(form.values.engine)} />
        <SelectField form={form} k="backend" label="Backend" options={backends.options} labels={backends.labels} />
        {layers && <CheckField form={form} k="batchNorm" label="BatchNorm" />}
        {layers && <TextField form={form} k="dropout" label="Dropout" hint="0 ≤ p < 1" />}
        <TextField form={form} k="seed" label="Seed" inputMode="numeric" />
        <TextField form={form} k="threads" label="Threads" hint="0: the worker’s share of its cores" inputMode="numeric" />
        <div className="col-span-2 self-center pb-4 text-xs text-slate-700 md:col-span-1" data-testid="parameter-count">{parameters ?? ''}</div>
      </div>
      {(note || backendNote || form.engineReset.length > 0) && (
        <div className="space-y-1 text-xs text-slate-700" data-testid="engine-note">
          {note && <p>{note}</p>}
          {form.engineReset.length > 0 && <p>Set back for this engine: {form.engineReset.map(labelOf).join(', ')}.</p>}
          {backendNote && <p data-testid="backend-note">{backendNote}</p>}
        </div>
      )}
    </Card>
  );
}
