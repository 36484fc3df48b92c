'use client';
/**
 * A run's per-epoch validation confusion matrices and class names, for the scrubber: starts from what
 * the server rendered, appends each epoch's matrix as it arrives (its own epochAdded subscription, so
 * the run's shared feed stays light) while the run is active, and reads them all once more when the
 * run ends (an epoch missed while the socket was down is not lost).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { EpochConfusionAddedDocument, RunEpochConfusionsDocument, type RunEpochConfusionsQuery, type RunStatus } from '../../../_graphql/generated';
import { request } from '../../../_lib/graphql';
import { useSubscription } from '../../../_lib/hooks';
import { isActive } from '../../../_lib/runStatus';
import type { EpochConfusion } from '../_lib/confusionTimeline';

export type EpochConfusions = NonNullable<RunEpochConfusionsQuery['run']>;

export function useEpochConfusions(runId: string, initial: EpochConfusions | null, status: RunStatus): { epochs: EpochConfusion[]; classNames: string[] } {
  const [data, setData] = useState<EpochConfusions | null>(initial);
  const active = isActive(status);
  const wasActive = useRef(active);
  const reload = useCallback(async () => {
    try {
      const d = await request(RunEpochConfusionsDocument, { id: runId });
      if (d.run) setData(d.run);
    } catch {
      /* the matrices shown stay; the next change tries again */
    }
  }, [runId]);
  useSubscription(EpochConfusionAddedDocument, active ? { runId } : null, ({ epochAdded }) =>
    setData((prev) => {
      const epochs = [...(prev?.epochs ?? []).filter((e) => e.epoch !== epochAdded.epoch), epochAdded].sort((a, b) => a.epoch - b.epoch);
      return { id: runId, classNames: prev?.classNames ?? [], epochs };
    }),
  );
  useEffect(() => {
    if (wasActive.current && !active) void reload();
    if (active && !data?.classNames.length) void reload(); // class names before the first epoch's matrix
    wasActive.current = active;
  }, [active, reload, data?.classNames.length]);
  return { epochs: data?.epochs ?? [], classNames: data?.classNames ?? [] };
}
