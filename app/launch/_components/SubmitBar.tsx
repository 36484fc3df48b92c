'use client';
/**
 * The launch button and the form's one live region. On a phone the bar sticks to the bottom of the
 * screen while the form scrolls (so Launch is always in reach); on a wide screen it sits under the
 * Run card. What it says is announced once per launch attempt: the fields to fix, or why the server
 * refused (a network failure is titled as one), never on every keystroke.
 */
import { ErrorBox, buttonClass } from '../../_components/ui';
import type { LaunchFormApi } from './useLaunchForm';

export function SubmitBar({ form, system }: { form: LaunchFormApi; system: { workers: number; queued: number } }) {
  const invalid = !form.result.ok ? form.result.issues.length : 0;
  return (
    <div className="sticky bottom-0 z-10 -mx-3 border-t border-slate-200 bg-white/95 px-3 py-2 shadow-[0_-2px_6px_rgba(15,23,42,0.06)] backdrop-blur sm:-mx-5 sm:px-5 lg:static lg:mx-0 lg:rounded-lg lg:border lg:px-4 lg:py-3 lg:shadow-sm" data-testid="submit-bar">
      {form.refusal && <div className="mb-2"><ErrorBox title={form.refusal.title} error={form.refusal.message} testId="launch-refusal" /></div>}
      <div className="flex items-center gap-3">
        <div className="min-w-0 flex-1 text-xs" data-testid="form-status">
          {invalid > 0 && (form.attempts > 0 || form.touched.size > 0) ? (
            <span className="text-red-700">{invalid} field{invalid === 1 ? '' : 's'} to fix before launching.</span>
          ) : (
            <span className="text-slate-700">{system.queued} queued ahead · {system.workers} worker{system.workers === 1 ? '' : 's'}</span>
          )}
        </div>
        <button type="submit" disabled={form.busy} className={`${buttonClass.primary} shrink-0 lg:flex-1`} data-testid="launch-submit">{form.busy ? 'Queuing…' : 'Launch run'}</button>
      </div>
      <div className="sr-only" role="status" aria-live="polite" data-testid="form-announcement">{form.announcement}</div>
    </div>
  );
}
