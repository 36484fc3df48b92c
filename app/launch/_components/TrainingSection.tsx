'use client';
/** Learning-rate schedule, early stopping, the data split and the robustness noise levels. */
import { Card } from '../../_components/ui';
import { CheckField, SelectField, TextField } from './Field';
import type { LaunchFormApi } from './useLaunchForm';

export function TrainingSection({ form }: { form: LaunchFormApi }) {
  const v = form.values;
  const splitErrors = form.errorsFor('split');
  return (
    <Card title="Schedule, early stopping, split, robustness">
      <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
        <SelectField form={form} k="schedule.type" label="LR schedule" options={['constant', 'linear', 'exponential']} />
        {v['schedule.type'] === 'linear' && <TextField form={form} k="schedule.alpha" label="Decay α per epoch" />}
        {v['schedule.type'] === 'linear' && <TextField form={form} k="schedule.minLr" label="Minimum η" />}
        {v['schedule.type'] === 'exponential' && <TextField form={form} k="schedule.gamma" label="Decay γ per epoch" />}
      </div>
      <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
        <CheckField form={form} k="earlyStopping" label="Early stopping" />
        {v.earlyStopping && <TextField form={form} k="earlyStopping.patience" label="Patience (epochs)" inputMode="numeric" />}
        {v.earlyStopping && <TextField form={form} k="earlyStopping.minDelta" label="Min improvement" />}
      </div>
      <fieldset className="grid grid-cols-2 gap-x-4 md:grid-cols-4" aria-describedby={splitErrors.length ? 'f-split-error' : undefined}>
        <legend className="sr-only">Data split</legend>
        <SelectField form={form} k="split.mode" label="Split" options={['stratified', 'official']} />
        {v['split.mode'] === 'stratified' ? (
          <>
            <TextField form={form} k="split.train" label="Train share" />
            <TextField form={form} k="split.val" label="Validation share" />
            <TextField form={form} k="split.test" label="Test share" />
          </>
        ) : (
          <TextField form={form} k="split.valFraction" label="Validation share of train" />
        )}
      </fieldset>
      <div id="f-split-error" className="-mt-1 min-h-[1rem] text-xs text-red-700" data-testid="error-split">{splitErrors.join(' ')}</div>
      <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
        <TextField form={form} k="robustness.sigmas" label="Noise levels σ" hint="comma-separated" inputMode="text" className="col-span-2" />
        <CheckField form={form} k="robustness.clip" label="Clip noisy pixels to [0,1]" className="col-span-2" />
      </div>
    </Card>
  );
}
