'use client';
/**
 * Subscribes to one run's live updates for as long as it is mounted: `runUpdated` (status, progress,
 * queue position) and `epochAdded` (each finished epoch). Renders nothing; pages mount one per run
 * they keep live (the run page one, the compare page one per active run), and merge what arrives
 * with app/_lib/liveRun.ts.
 */
import { useEffect } from 'react';
import { EpochAddedDocument, RunUpdatedDocument } from '../_graphql/generated';
import { useSubscription } from '../_lib/hooks';
import type { EpochRow, RunPatch } from '../_lib/liveRun';

export function LiveRunFeed({ id, onUpdate, onEpoch, onError }: { id: string; onUpdate: (patch: RunPatch) => void; onEpoch: (row: EpochRow) => void; onError?: (err: Error | null) => void }) {
  const updates = useSubscription(RunUpdatedDocument, { id }, (d) => onUpdate(d.runUpdated));
  const epochs = useSubscription(EpochAddedDocument, { runId: id }, (d) => onEpoch(d.epochAdded));
  const problem = updates ?? epochs ?? null;
  useEffect(() => onError?.(problem), [problem, onError]);
  return null;
}
