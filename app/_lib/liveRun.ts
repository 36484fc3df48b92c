/**
 * Merging live updates into a run held by a page: `runUpdated` patches (status, progress, queue
 * position…) and `epochAdded` rows (kept sorted, one per epoch number). Pure, so the run page and the
 * compare page merge the same way; unit-tested.
 */
import type { EpochAddedSubscription, RunDetailFragment, RunUpdatedSubscription } from '../_graphql/generated';
import { isActive } from './runStatus';

export type RunPatch = RunUpdatedSubscription['runUpdated'];
export type EpochRow = EpochAddedSubscription['epochAdded'];

export function applyRunUpdate<R extends RunDetailFragment>(run: R, patch: RunPatch): R {
  return { ...run, ...patch };
}

export function applyEpoch<R extends Pick<RunDetailFragment, 'epochs'>>(run: R, row: EpochRow): R {
  const { runId: _runId, ...epoch } = row;
  const others = run.epochs.filter((e) => e.epoch !== epoch.epoch);
  return { ...run, epochs: [...others, epoch].sort((a, b) => a.epoch - b.epoch) };
}

/** The update ended the run: its evaluation, robustness and final fields are ready to be fetched. */
export const justFinished = (before: Pick<RunDetailFragment, 'status'>, patch: RunPatch) => isActive(before.status) && !isActive(patch.status);
