'use client';
/**
 * The comparison in the browser: holds the runs (starting from the server's), keeps every active one
 * live through its own subscriptions (status, progress, each new epoch; when one finishes it is
 * fetched again for its evaluation), and keeps the view (pair, colour scale, training curves) in the
 * address as it changes.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CompareDocument, type RunDetailFragment } from '../../_graphql/generated';
import { request } from '../../_lib/graphql';
import { applyEpoch, applyRunUpdate, justFinished, type EpochRow, type RunPatch } from '../../_lib/liveRun';
import { isActive } from '../../_lib/runStatus';
import { LiveRunFeed } from '../../_components/LiveRunFeed';
import { ErrorBox, Notice, PageTitle } from '../../_components/ui';
import { compareSearch, resolvePair, type CompareView } from '../_lib/view';
import { CompareCharts } from './CompareCharts';
import { CompareMetrics } from './CompareMetrics';
import { ConfigDiff } from './ConfigDiff';
import { ConfusionDiff } from './ConfusionDiff';

export function CompareLive({ initialRuns, initialView, missing, warnings }: { initialRuns: RunDetailFragment[]; initialView: CompareView; missing: string[]; warnings: string[] }) {
  const [runs, setRuns] = useState(initialRuns);
  const [view, setView] = useState(initialView);
  const [liveError, setLiveError] = useState<Error | null>(null);
  const current = useRef(runs);
  useEffect(() => {
    current.current = runs;
  }, [runs]);
  const ids = useMemo(() => runs.map((r) => r.id), [runs]);
  const pair = resolvePair(view, ids);

  useEffect(() => {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${compareSearch({ ...view, a: pair.a, b: pair.b })}`);
  }, [view, pair.a, pair.b]);

  const refetchOne = useCallback(async (id: string) => {
    const d = await request(CompareDocument, { ids: [id] }).catch(() => null);
    const fresh = d?.compare[0];
    if (fresh) setRuns((rs) => rs.map((r) => (r.id === id ? fresh : r)));
  }, []);
  const onUpdate = useCallback((patch: RunPatch) => {
    const before = current.current.find((r) => r.id === patch.id);
    setRuns((rs) => rs.map((r) => (r.id === patch.id ? applyRunUpdate(r, patch) : r)));
    if (before && justFinished(before, patch)) void refetchOne(patch.id); // its evaluation is ready
  }, [refetchOne]);
  const onEpoch = useCallback((row: EpochRow) => setRuns((rs) => rs.map((r) => (r.id === row.runId ? applyEpoch(r, row) : r))), []);

  const active = runs.filter((r) => isActive(r.status));
  return (
    <div className="space-y-4" data-testid="compare-page">
      {active.map((r) => <LiveRunFeed key={r.id} id={r.id} onUpdate={onUpdate} onEpoch={onEpoch} onError={setLiveError} />)}
      <PageTitle title={`Compare ${runs.length} runs`} lead="This page's address holds the runs and every view choice; share it to show the same comparison." />
      {missing.length > 0 && <ErrorBox title="Some runs were not found" error={`No run with id ${missing.join(', ')}.`} />}
      {warnings.length > 0 && <Notice testId="compare-warnings">{warnings.join(' ')}</Notice>}
      {active.length > 0 && <p className="text-xs text-slate-600" data-testid="compare-live">{active.length} of these runs {active.length === 1 ? 'is' : 'are'} still training; the page follows {active.length === 1 ? 'it' : 'them'} live.</p>}
      {liveError && <Notice>Live updates interrupted ({liveError.message}); reconnecting…</Notice>}
      <CompareMetrics runs={runs} />
      <label className="inline-flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={view.train} onChange={(e) => setView((v) => ({ ...v, train: e.target.checked }))} className="h-4 w-4 accent-sky-700" /> also show training curves (dashed)
      </label>
      <CompareCharts runs={runs} showTrain={view.train} />
      <ConfigDiff runs={runs} />
      <ConfusionDiff
        runs={runs}
        a={pair.a}
        b={pair.b}
        same={pair.same}
        scale={view.scale}
        onChange={(change) => setView((v) => ({ ...v, a: pair.a, b: pair.b, ...change }))}
      />
    </div>
  );
}
