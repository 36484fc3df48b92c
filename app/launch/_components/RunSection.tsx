'use client';
/** The run's own name, tags and notes, and the estimate of what it would cost and how long it would train. */
import { Card, fieldClass } from '../../_components/ui';
import type { MeasuredRun } from '../_lib/runTime';
import { RunEstimate } from './RunEstimate';
import type { LaunchFormApi } from './useLaunchForm';

export function RunSection({ form, recentRuns }: { form: LaunchFormApi; recentRuns: readonly MeasuredRun[] }) {
  const m = form.meta;
  return (
    <Card title="Run">
      <div className="space-y-2">
        <label className="block text-xs font-medium text-slate-800">Name <span className="font-normal text-slate-600">(optional)</span>
          <input name="name" value={m.name} maxLength={200} onChange={(e) => form.setMeta((x) => ({ ...x, name: e.target.value }))} placeholder={form.presetName || 'custom run'} className={fieldClass()} />
        </label>
        <label className="block text-xs font-medium text-slate-800">Tags <span className="font-normal text-slate-600">(comma-separated)</span>
          <input name="tags" value={m.tags} onChange={(e) => form.setMeta((x) => ({ ...x, tags: e.target.value }))} className={fieldClass()} />
        </label>
        <label className="block text-xs font-medium text-slate-800">Notes
          <textarea name="notes" value={m.notes} maxLength={10_000} onChange={(e) => form.setMeta((x) => ({ ...x, notes: e.target.value }))} rows={2} className={fieldClass()} />
        </label>
      </div>
      <RunEstimate dataset={m.dataset || null} config={form.result.ok ? form.result.config : null} recentRuns={recentRuns} />
    </Card>
  );
}
