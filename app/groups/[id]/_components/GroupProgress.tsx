/** The group's overall state: "N of 12 finished", a progress bar weighted by each run's estimated time, epochs done and the ETA. */
import type { GroupDetailFragment } from '../../../_graphql/generated';
import { duration } from '../../../_lib/format';
import { Stat } from '../../../_components/ui';

export function GroupProgress({ group: g }: { group: GroupDetailFragment }) {
  const done = Math.round(100 * g.progress);
  const eta = g.etaSeconds == null ? (g.queued + g.running > 0 ? 'no live worker' : 'done') : `about ${duration(g.etaSeconds)}`;
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="group-progress">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-base font-semibold text-slate-900" data-testid="group-finished">{g.finished} of {g.total} finished</p>
        <p className="text-sm text-slate-700">{[g.running && `${g.running} running`, g.queued && `${g.queued} queued`, g.failed && `${g.failed} failed`, g.cancelled && `${g.cancelled} cancelled`].filter(Boolean).join(' · ') || 'all succeeded'}</p>
      </div>
      <div className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-label="Study progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={done}>
        <div className="h-full rounded-full bg-sky-700 transition-[width]" style={{ width: `${done}%` }} />
      </div>
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat label="Done (by estimated time)" value={`${done}%`} />
        <Stat label="Epochs" value={`${g.epochsDone} of ${g.epochsTotal}`} />
        <Stat label="Finished in" value={eta} hint="From the throughput this installation's workers measured, in queue order" />
        <Stat label="Succeeded" value={`${g.succeeded} of ${g.total}`} />
      </div>
    </div>
  );
}
