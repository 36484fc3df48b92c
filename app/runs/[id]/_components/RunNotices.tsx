'use client';
/**
 * What a reader must not miss: why the run failed, a finished run's caveat (its model could not be
 * saved), and, when more than one worker had a turn at it, each attempt (died, went silent, handed
 * back, resumed from its checkpoint).
 */
import { dateTime } from '../../../_lib/format';
import { ErrorBox } from '../../../_components/ui';
import { useLiveRun } from './LiveRun';

export function RunNotices() {
  const { run } = useLiveRun();
  const attempts = run.attempts ?? [];
  return (
    <>
      {run.error && <ErrorBox title="The run failed" error={run.error} />}
      {run.warning && <div className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900" data-testid="run-warning">{run.warning}</div>}
      {attempts.length > 1 && (
        <div className="rounded-lg border border-slate-200 bg-white px-4 py-2 text-xs text-slate-700" data-testid="run-attempts">
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
