'use client';
/** The run's headline numbers, with the study's published figure under each where it has one. */
import { useMemo } from 'react';
import { int, num, pct } from '../../../_lib/format';
import { Stat } from '../../../_components/ui';
import { publishedFor } from '../_lib/published';
import { useLiveRun } from './LiveRun';

export function RunMetrics() {
  const { run } = useLiveRun();
  const published = useMemo(() => publishedFor(run.preset), [run.preset]);
  const ev = run.evaluation;
  const last = run.epochs.at(-1);
  return (
    <div className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 lg:grid-cols-7" data-testid="run-metrics">
      <Stat label="Test accuracy" value={pct(ev?.accuracy)} sub={published.test && `published ${pct(published.test.accuracy)}`} />
      <Stat label="Macro F1" value={pct(ev?.macroF1)} sub={published.test && `published ${pct(published.test.macroF1)}`} />
      <Stat label="Test cross-entropy" value={num(ev?.crossEntropy)} sub={published.test && `published ${num(published.test.crossEntropy)}`} />
      <Stat label="Val accuracy" value={pct(ev?.valAccuracy ?? last?.valAccuracy)} />
      <Stat label="Train accuracy" value={pct(ev?.trainAccuracy ?? last?.trainAccuracy)} />
      <Stat label="Parameters" value={int(run.parameters)} />
      <Stat label="Best epoch" value={run.bestEpoch ?? '—'} />
    </div>
  );
}
