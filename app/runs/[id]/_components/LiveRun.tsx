'use client';
/**
 * Holds the run a run page shows and keeps it live: starts from the run the server rendered, merges
 * `runUpdated` and appends `epochAdded` rows as they arrive (curves grow without a reload), and when
 * the run ends fetches it once more for its evaluation. A slow poll backs the subscription up while
 * the run is active, and goes on after it succeeded until its evaluation has arrived, so a dropped
 * socket or a failed final fetch never leaves the page stale. Only the newest fetch's answer is
 * applied: a poll sent while the run was still training can answer after the final fetch, and must
 * not put the page back to RUNNING without its evaluation. The page's client leaves read the run
 * with useLiveRun().
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { RunDocument, type RunDetailFragment } from '../../../_graphql/generated';
import { request } from '../../../_lib/graphql';
import { applyEpoch, applyRunUpdate, justFinished, type EpochRow, type RunPatch } from '../../../_lib/liveRun';
import { isActive } from '../../../_lib/runStatus';
import { latestOnly } from '../../../_lib/latestOnly';
import { LiveRunFeed } from '../../../_components/LiveRunFeed';

interface LiveRun {
  run: RunDetailFragment;
  /** Local changes (a rename, new tags) merged in after a mutation succeeded. */
  merge: (patch: Partial<RunDetailFragment>) => void;
  refetch: () => Promise<void>;
  /** The live connection's problem, if it has one (the poll keeps the page current meanwhile). */
  liveError: Error | null;
}

const LiveRunContext = createContext<LiveRun | null>(null);

export function useLiveRun(): LiveRun {
  const live = useContext(LiveRunContext);
  if (!live) throw new Error('useLiveRun outside LiveRunProvider');
  return live;
}

export function LiveRunProvider({ initial, children }: { initial: RunDetailFragment; children: ReactNode }) {
  const [run, setRun] = useState(initial);
  const [liveError, setLiveError] = useState<Error | null>(null);
  const current = useRef(run);
  useEffect(() => {
    current.current = run;
  }, [run]);
  const id = initial.id;
  const active = isActive(run.status);
  const awaitingResults = run.status === 'SUCCEEDED' && !run.evaluation;

  const refetch = useMemo(
    () => latestOnly(() => request(RunDocument, { id }), (d) => {
        if (d.run) setRun(d.run);
      }),
    [id],
  );
  const onUpdate = useCallback((patch: RunPatch) => {
    const finished = justFinished(current.current, patch);
    setRun((prev) => applyRunUpdate(prev, patch));
    if (finished) void refetch(); // evaluation and robustness are ready
  }, [refetch]);
  const onEpoch = useCallback((row: EpochRow) => setRun((prev) => applyEpoch(prev, row)), []);
  const merge = useCallback((patch: Partial<RunDetailFragment>) => setRun((prev) => ({ ...prev, ...patch })), []);

  useEffect(() => {
    if (!active && !awaitingResults) return;
    const poll = setInterval(() => void refetch(), active ? 5000 : 2000);
    return () => clearInterval(poll);
  }, [active, awaitingResults, refetch]);

  const value = useMemo(() => ({ run, merge, refetch, liveError }), [run, merge, refetch, liveError]);
  return (
    <LiveRunContext.Provider value={value}>
      {active && <LiveRunFeed id={id} onUpdate={onUpdate} onEpoch={onEpoch} onError={setLiveError} />}
      <div className="space-y-4" data-testid="run-page" data-status={run.status}>{children}</div>
    </LiveRunContext.Provider>
  );
}
