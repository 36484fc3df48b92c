'use client';
/**
 * For a run whose per-image test predictions were never stored (evaluated before they were kept):
 * says so, and lets a member re-evaluate its saved model (no training; a trainer worker does it),
 * then follows the job live (its queue, its progress, its end) and hands back when the images can be
 * shown. A run that cannot be re-evaluated (no saved model) says why.
 */
import { useCallback, useState } from 'react';
import { ReevaluateRunDocument, RunPredictionsUpdatedDocument, type PredictionsInfoFragment } from '../../../_graphql/generated';
import { errorTitle, request } from '../../../_lib/graphql';
import { useSubscription } from '../../../_lib/hooks';
import { buttonClass, ErrorBox, Notice } from '../../../_components/ui';

export function ReevaluatePrompt({ runId, info, mayReevaluate, onStored }: { runId: string; info: PredictionsInfoFragment; mayReevaluate: boolean; onStored: (info: PredictionsInfoFragment) => void }) {
  const [current, setCurrent] = useState(info);
  const [error, setError] = useState<Error | null>(null);
  const [asking, setAsking] = useState(false);
  const job = current.reevaluation;
  const pending = job?.status === 'QUEUED' || job?.status === 'RUNNING';
  const update = useCallback((next: PredictionsInfoFragment) => {
    setCurrent(next);
    if (next.stored) onStored(next);
  }, [onStored]);
  useSubscription(RunPredictionsUpdatedDocument, pending ? { id: runId } : null, (d) => update(d.runUpdated.predictions));
  const ask = async () => {
    setAsking(true);
    setError(null);
    try {
      update((await request(ReevaluateRunDocument, { id: runId })).reevaluateRun.predictions);
    } catch (err) {
      setError(err as Error);
    } finally {
      setAsking(false);
    }
  };
  const p = job?.progress;
  return (
    <div className="space-y-2" data-testid="reevaluate">
      <Notice>
        This run was evaluated before each test image&apos;s prediction was kept, so its examples cannot be shown yet.{' '}
        {current.canReevaluate ? 'Re-evaluate its saved model (no training) to see them.' : 'It has no saved model here to re-evaluate.'}
      </Notice>
      {current.canReevaluate && !pending && (
        <button type="button" className={buttonClass.primary} onClick={() => void ask()} disabled={asking || !mayReevaluate} data-testid="reevaluate-button" title={mayReevaluate ? undefined : 'Re-evaluating needs the member role'}>
          {asking ? 'Asking…' : 'Re-evaluate to see examples'}
        </button>
      )}
      {pending && (
        <div className="text-sm text-slate-700" aria-live="polite" data-testid="reevaluate-status">
          {job?.status === 'QUEUED' ? 'Queued: a trainer worker re-evaluates it when it is free.' : `${p?.label ?? 'Re-evaluating'}${p?.done != null && p.total ? `: ${Math.round((100 * p.done) / p.total)}%` : '…'}`}
          {job?.status === 'RUNNING' && p?.total ? (
            <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Re-evaluation" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((100 * (p.done ?? 0)) / p.total)}>
              <div className="h-full rounded-full bg-sky-600" style={{ width: `${(100 * (p.done ?? 0)) / p.total}%` }} />
            </div>
          ) : null}
        </div>
      )}
      {job?.status === 'FAILED' && <ErrorBox title="The re-evaluation failed" error={job.error ?? 'no reason given'} />}
      {error && <ErrorBox title={errorTitle(error, 'Re-evaluation refused')} error={error} />}
    </div>
  );
}
