'use client';
/**
 * The optimiser and its settings (only those of the chosen optimiser and engine), batch size, epochs,
 * and how the batch's loss is reduced (the sum steps batch-size times further under SGD: the study's
 * likely reading, see the report's notes).
 */
import { LOSS_REDUCTIONS, OPTIMIZERS } from '../../../trainer/config/schema';
import { Card } from '../../_components/ui';
import { SelectField, TextField } from './Field';
import type { LaunchFormApi } from './useLaunchForm';

export function OptimisationSection({ form }: { form: LaunchFormApi }) {
  const v = form.values;
  return (
    <Card title="Optimisation">
      <div className="grid grid-cols-2 gap-x-4 md:grid-cols-4">
        <SelectField form={form} k="optimizer" label="Optimizer" options={OPTIMIZERS} />
        <TextField form={form} k="lr" label="Learning rate η" />
        <TextField form={form} k="batchSize" label="Batch size" inputMode="numeric" />
        <TextField form={form} k="epochs" label="Epochs" inputMode="numeric" />
        {v.optimizer === 'sgd' && <TextField form={form} k="momentum" label="Momentum β" />}
        {v.optimizer === 'adam' && <TextField form={form} k="beta1" label="Adam β1" />}
        {v.optimizer === 'adam' && <TextField form={form} k="beta2" label="Adam β2" />}
        {v.optimizer === 'adam' && <TextField form={form} k="epsilon" label="Adam ε" />}
        <TextField form={form} k="l2" label="L2 λ" hint="λ/2·ΣW² on weights" />
        <SelectField form={form} k="lossReduction" label="Batch loss" options={LOSS_REDUCTIONS} labels={{ mean: 'mean over the batch', sum: 'sum over the batch' }} />
        {v.engine === 'layers' && <TextField form={form} k="weightDecay" label="Weight decay" />}
        {v.engine === 'layers' && <SelectField form={form} k="weightDecayMode" label="Decay mode" options={['coupled', 'decoupled']} labels={{ coupled: 'coupled (Adam)', decoupled: 'decoupled (AdamW)' }} />}
      </div>
    </Card>
  );
}
