/**
 * A run's attempts and warning, shown only when there is something to say: a run that needed more
 * than one worker (its worker died, went silent or shut down, and the next one resumed it from its
 * checkpoint), or one whose model could not be saved.
 */
import { dateTime } from '../_lib/format';
import type { RunDetail } from '../_lib/types';

export function RunAttempts({ run }: { run: Pick<RunDetail, 'attempts' | 'warning'> }) {
  const attempts = run.attempts ?? [];
  return (
    <>
      {run.warning && (
        <div className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" data-testid="run-warning">{run.warning}</div>
      )}
      {attempts.length > 1 && (
        <div className="rounded-lg border border-slate-200 bg-white px-4 py-2 text-xs text-slate-600" data-testid="run-attempts">
          <div className="font-medium text-slate-800">{attempts.length} attempts</div>
          <ol className="mt-1 space-y-0.5">
            {attempts.map((a) => (
              <li key={a.number}>
                {a.number}. worker {a.workerHost} pid {a.workerPid}, {a.resumedAfterEpoch ? `resumed after epoch ${a.resumedAfterEpoch}` : 'from epoch 1'}, started {dateTime(a.startedAt)}: {a.outcome ?? 'running'}
                {a.reason && a.outcome !== 'succeeded' ? ` (${a.reason})` : ''}
              </li>
            ))}
          </ol>
        </div>
      )}
    </>
  );
}
