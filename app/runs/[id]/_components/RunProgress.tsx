'use client';
/**
 * Where the run stands, in words and as a bar: queued (how many ahead), running (epoch, batch, phase,
 * speed), waiting for a worker, or finished. A cancelled or failed run's bar shows how far it got
 * (2 of 20 epochs: a tenth). Always rendered at a fixed height, so the page does not jump.
 */
import { useEffect, useState } from 'react';
import { dateTime, duration, elapsed, int } from '../../../_lib/format';
import { fractionDone, isActive } from '../../../_lib/runStatus';
import { useLiveRun } from './LiveRun';

const BAR: Record<string, string> = { FAILED: 'bg-red-600', CANCELLED: 'bg-amber-600' };

export function RunProgress() {
  const { run, liveError } = useLiveRun();
  const [now, setNow] = useState(() => Date.now());
  const active = isActive(run.status);
  useEffect(() => {
    if (!active) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [active]);
  const p = run.progress;
  const planned = (run.config as { epochs?: number } | null)?.epochs ?? p?.epochs ?? null;
  const waiting = run.status === 'RUNNING' && run.waitingForWorker;
  const done = fractionDone({ status: run.status, waitingForWorker: run.waitingForWorker, progress: p, epochsDone: run.epochs.length, epochsPlanned: planned });
  const text =
    run.status === 'QUEUED' ? (run.waitingReason ? `Queued, ${run.waitingReason}` : run.queuePosition ? `Queued: ${run.queuePosition} run${run.queuePosition === 1 ? '' : 's'} ahead` : 'Queued: next to start') :
    waiting ? `${run.waitingReason ? `Waiting: ${run.waitingReason.replace(/^waiting /, '')}` : 'Waiting for a worker: its worker shut down'}; it resumes after epoch ${p?.epoch ?? 0} of ${p?.epochs ?? planned ?? '?'}` :
    run.status === 'RUNNING' && p ? `Epoch ${p.epoch} of ${p.epochs}${p.batches ? ` · batch ${p.batch}/${p.batches}` : ''}${p.phase ? ` · ${p.phase}` : ''}${p.samplesPerSecond ? ` · ${int(p.samplesPerSecond)} samples/s` : ''}` :
    run.status === 'RUNNING' ? 'Starting…' :
    `${run.status.toLowerCase()}${run.finishedAt ? ` ${dateTime(run.finishedAt)}` : ''}${run.stoppedEarly ? ` · stopped early, best epoch ${run.bestEpoch}` : ''}${(run.status === 'CANCELLED' || run.status === 'FAILED') && planned ? ` · after ${run.epochs.length} of ${planned} epochs` : ''}`;
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <div className="flex flex-wrap items-center justify-between gap-x-3 text-xs text-slate-700">
        <span data-testid="run-progress-text">{text}</span>
        <span className="tabular-nums" suppressHydrationWarning>{duration(elapsed(run, now))} · {run.epochs.length}/{planned ?? '?'} epochs</span>
      </div>
      <div className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(100 * done)}>
        <div className={`h-full rounded-full transition-all ${BAR[run.status] ?? 'bg-sky-600'}`} style={{ width: `${Math.round(100 * done)}%` }} data-testid="run-progress-bar" />
      </div>
      {liveError && <p className="mt-1 text-xs text-amber-800">Live updates interrupted ({liveError.message}); refreshing every few seconds meanwhile.</p>}
    </div>
  );
}
