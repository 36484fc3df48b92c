'use client';
/**
 * What can be done to a study group: cancel it (queued members at once, running ones after their
 * batch), re-run its failed and cancelled members (new runs in the group, owned by you), pin its
 * finished members to the study report (so a study launched with overrides can stand for the study,
 * on purpose), or delete it with every run — after a confirmation that says so. Each answer is the
 * API's sentence, with the runs it could not act on.
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { CancelGroupDocument, DeleteGroupDocument, PinGroupToReportDocument, RerunFailedInGroupDocument, type GroupDetailFragment } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { ErrorBox, buttonClass } from '../../../_components/ui';

type Outcome = { message: string; results: { id: string; ok: boolean; message: string | null }[] };

export function GroupActions({ group, onChanged }: { group: GroupDetailFragment; onChanged: () => void }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problem, setProblem] = useState<{ title: string; error: Error } | null>(null);
  const run = async (what: string, fn: () => Promise<Outcome>) => {
    setBusy(true);
    setProblem(null);
    try {
      setOutcome(await fn());
      onChanged();
    } catch (err) {
      setProblem({ title: errorTitle(err, `Not ${what}`), error: err as Error });
    } finally {
      setBusy(false);
    }
  };
  const active = group.queued + group.running;
  const rerunnable = group.failed + group.cancelled;
  const refused = outcome?.results.filter((r) => !r.ok) ?? [];
  if (!group.can.cancel && !group.can.rerun && !group.can.delete && !group.can.pin) return null;
  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="group-actions">
      <div className="flex flex-wrap gap-2">
        {group.can.cancel && active > 0 && (
          <button type="button" disabled={busy} className={buttonClass.danger} data-testid="group-cancel" onClick={() => void run('cancelled', async () => (await request(CancelGroupDocument, { id: group.id })).cancelGroup)}>
            Cancel the group ({active} queued or running)
          </button>
        )}
        {group.can.rerun && rerunnable > 0 && (
          <button type="button" disabled={busy} className={buttonClass.secondary} data-testid="group-rerun" onClick={() => void run('re-run', async () => (await request(RerunFailedInGroupDocument, { id: group.id })).rerunFailedInGroup)}>
            Re-run the {rerunnable} failed or cancelled
          </button>
        )}
        {group.can.pin && (
          <button
            type="button"
            disabled={busy}
            className={buttonClass.secondary}
            data-testid="group-pin"
            title="Each finished member becomes its preset's row in the study report, modified or not; earlier pins of those rows are replaced"
            onClick={() => void run('pinned', async () => (await request(PinGroupToReportDocument, { id: group.id })).pinGroupToReport)}
          >
            Pin the {group.succeeded} finished to the report
          </button>
        )}
        {group.can.delete && !confirming && <button type="button" disabled={busy} className={`${buttonClass.danger} sm:ml-auto`} data-testid="group-delete" onClick={() => setConfirming(true)}>Delete the group…</button>}
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby="group-delete-question" className="rounded-md border border-red-300 bg-red-50 p-3" data-testid="group-delete-confirm">
          <p id="group-delete-question" className="text-red-900">
            Delete “{group.name}” and its {group.total + group.replacedRuns.length} runs for good?{active ? ` The ${active} queued or running will be stopped first.` : ''} Their results, model files and checkpoints go with them.
          </p>
          <div className="mt-2 flex gap-2">
            <button type="button" disabled={busy} className={buttonClass.danger} data-testid="group-delete-yes" onClick={() => void run('deleted', async () => {
              const r = (await request(DeleteGroupDocument, { id: group.id })).deleteGroup;
              if (!r.group) router.push('/');
              return r;
            })}>{busy ? 'Deleting…' : 'Delete the group and its runs'}</button>
            <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(false)}>Keep it</button>
          </div>
        </div>
      )}
      {outcome && (
        <div role="status" className="text-slate-800">
          {outcome.message}
          {refused.length > 0 && <ul className="mt-1 list-disc pl-5 text-xs text-slate-700">{refused.map((r) => <li key={r.id}>run {r.id.slice(0, 8)}: {r.message}</li>)}</ul>}
        </div>
      )}
      {problem && <ErrorBox title={problem.title} error={problem.error} />}
    </div>
  );
}
