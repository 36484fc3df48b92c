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

/**
 * A finished epoch also moves the progress on to the next one: progress reports are throttled and
 * may arrive after the epoch, and "epoch 7 of 40" beside 8 recorded epochs would contradict itself.
 */
export function applyEpoch<R extends Pick<RunDetailFragment, 'epochs' | 'progress'>>(run: R, row: EpochRow): R {
  const { runId: _runId, ...epoch } = row;
  const others = run.epochs.filter((e) => e.epoch !== epoch.epoch);
  const p = run.progress;
  const progress = p && p.epoch <= epoch.epoch && epoch.epoch < p.epochs ? { ...p, epoch: epoch.epoch + 1, batch: 0 } : p;
  return { ...run, progress, epochs: [...others, epoch].sort((a, b) => a.epoch - b.epoch) };
}

/** The update ended the run: its evaluation, robustness and final fields are ready to be fetched. */
export const justFinished = (before: Pick<RunDetailFragment, 'status'>, patch: RunPatch) => isActive(before.status) && !isActive(patch.status);
