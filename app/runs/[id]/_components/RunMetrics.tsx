'use client';
/**
 * The run's headline numbers, with the study's published figure under each where it has one — only for
 * a run that is exactly its preset on EMNIST ByMerge (the API decides: Run.published).
 */
import { int, num, pct } from '../../../_lib/format';
import { Stat } from '../../../_components/ui';
import { useLiveRun } from './LiveRun';

export function RunMetrics() {
  const { run } = useLiveRun();
  const published = run.published;
  const ev = run.evaluation;
  const last = run.epochs.at(-1);
  return (
    <div className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 lg:grid-cols-7" data-testid="run-metrics">
      <Stat label="Test accuracy" value={pct(ev?.accuracy)} sub={published?.testAccuracy != null && `published ${pct(published.testAccuracy)}`} />
      <Stat label="Macro F1" value={pct(ev?.macroF1)} sub={published?.macroF1 != null && `published ${pct(published.macroF1)}`} />
      <Stat label="Test cross-entropy" value={num(ev?.crossEntropy)} sub={published?.crossEntropy != null && `published ${num(published.crossEntropy)}`} />
      <Stat label="Val accuracy" value={pct(ev?.valAccuracy ?? last?.valAccuracy)} />
      <Stat label="Train accuracy" value={pct(ev?.trainAccuracy ?? last?.trainAccuracy)} />
      <Stat label="Parameters" value={int(run.parameters)} />
      <Stat label="Best epoch" value={run.bestEpoch ?? '—'} />
    </div>
  );
}
