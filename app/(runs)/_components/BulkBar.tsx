'use client';
/**
 * What to do with the selected runs: compare them, or cancel, archive, restore, delete (after a
 * confirmation) or tag them all at once. The server applies the permission rule to each run; the bar
 * then says how many it changed and why any were left alone.
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { BulkRunsDocument, type BulkAction, type BulkRunsMutation } from '../../_graphql/generated';
import { errorTitle, request } from '../../_lib/graphql';
import { ErrorBox, buttonClass } from '../../_components/ui';

const DONE: Record<BulkAction, string> = { CANCEL: 'cancelled or stopping', ARCHIVE: 'archived', RESTORE: 'restored', DELETE: 'deleted', TAG: 'tagged', UNTAG: 'untagged' };

export function BulkBar({ selected, names, onDone, onClear }: { selected: string[]; names: Map<string, string>; onDone: (deleted: string[]) => void; onClear: () => void }) {
  const router = useRouter();
  const [tag, setTag] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ action: BulkAction; result: BulkRunsMutation['bulkRuns'] } | null>(null);
  const [problem, setProblem] = useState<{ title: string; error: Error } | null>(null);
  const n = selected.length;

  async function apply(action: BulkAction) {
    setBusy(true);
    setProblem(null);
    setConfirming(false);
    try {
      const tags = action === 'TAG' || action === 'UNTAG' ? [tag.trim()] : undefined;
      const result = (await request(BulkRunsDocument, { input: { ids: selected, action, tags } })).bulkRuns;
      setOutcome({ action, result });
      onDone(action === 'DELETE' ? result.results.filter((r) => r.ok).map((r) => r.id) : []);
    } catch (err) {
      setProblem({ title: errorTitle(err, 'Nothing changed'), error: err as Error });
    } finally {
      setBusy(false);
    }
  }
  const refused = outcome?.result.results.filter((r) => !r.ok) ?? [];
  return (
    <div className="space-y-2 rounded-lg border border-sky-200 bg-sky-50/60 p-3 text-sm" data-testid="bulk-bar" role="region" aria-label="Selected runs">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-slate-800" data-testid="bulk-count">{n} selected</span>
        <button type="button" disabled={n < 2 || busy} onClick={() => router.push(`/compare?ids=${selected.map(encodeURIComponent).join(',')}`)} className={buttonClass.primary} title={n < 2 ? 'Select at least two runs' : undefined}>Compare</button>
        <button type="button" disabled={busy} onClick={() => void apply('CANCEL')} className={buttonClass.secondary}>Cancel runs</button>
        <button type="button" disabled={busy} onClick={() => void apply('ARCHIVE')} className={buttonClass.secondary} data-testid="bulk-archive">Archive</button>
        <button type="button" disabled={busy} onClick={() => void apply('RESTORE')} className={buttonClass.secondary}>Restore</button>
        <span className="inline-flex items-center gap-1">
          <input value={tag} onChange={(e) => setTag(e.target.value)} maxLength={50} placeholder="tag" aria-label="Tag for the selected runs" className="w-28 rounded-md border border-slate-400 bg-white px-2 py-1" />
          <button type="button" disabled={busy || !tag.trim()} onClick={() => void apply('TAG')} className={buttonClass.secondary}>Tag</button>
          <button type="button" disabled={busy || !tag.trim()} onClick={() => void apply('UNTAG')} className={buttonClass.secondary}>Untag</button>
        </span>
        <button type="button" disabled={busy} onClick={() => setConfirming(true)} className={buttonClass.danger} data-testid="bulk-delete">Delete…</button>
        <button type="button" onClick={() => { setOutcome(null); onClear(); }} className="text-sky-800 underline sm:ml-auto">Clear selection</button>
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby="bulk-delete-question" className="rounded-md border border-red-300 bg-red-50 p-3" data-testid="bulk-delete-confirm">
          <p id="bulk-delete-question" className="text-red-900">
            Delete {n} run{n === 1 ? '' : 's'} for good ({selected.slice(0, 3).map((id) => `“${names.get(id) ?? id.slice(0, 8)}”`).join(', ')}{n > 3 ? ` and ${n - 3} more` : ''})? Their results, model files and checkpoints go with them; running runs are left alone (cancel them first).
          </p>
          <div className="mt-2 flex gap-2">
            <button type="button" disabled={busy} onClick={() => void apply('DELETE')} className={buttonClass.danger} data-testid="bulk-delete-yes">Delete {n} run{n === 1 ? '' : 's'}</button>
            <button type="button" onClick={() => setConfirming(false)} className={buttonClass.secondary}>Keep them</button>
          </div>
        </div>
      )}
      {outcome && (
        <div role="status" className="text-slate-800" data-testid="bulk-outcome">
          {outcome.result.succeeded} {DONE[outcome.action]}{refused.length ? `; ${refused.length} not:` : '.'}
          {refused.length > 0 && <ul className="mt-1 list-disc pl-5 text-xs text-slate-700">{refused.map((r) => <li key={r.id}>{names.get(r.id) ?? r.id.slice(0, 8)}: {r.message}</li>)}</ul>}
        </div>
      )}
      {problem && <ErrorBox title={problem.title} error={problem.error} />}
    </div>
  );
}
