/**
 * A run's state in words and as a fraction done, shared by the runs list, the run page and compare.
 * Pure; unit-tested.
 */
import type { RunStatus } from '../_graphql/generated';

export const RUN_STATUSES: RunStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const ACTIVE_STATUSES = new Set<RunStatus>(['QUEUED', 'RUNNING']);
export const isActive = (s: RunStatus) => ACTIVE_STATUSES.has(s);

interface Progress { epoch: number; epochs: number; batch: number; batches: number }

export function statusDetail(r: { status: RunStatus; queuePosition: number | null; progress: Progress | null; waitingForWorker: boolean }): string | undefined {
  if (r.status === 'QUEUED' && r.queuePosition != null) return r.queuePosition === 0 ? 'next in queue' : `${r.queuePosition} ahead`;
  if (r.status === 'RUNNING' && r.waitingForWorker) return 'waiting';
  if (r.status === 'RUNNING' && r.progress) return `epoch ${r.progress.epoch}/${r.progress.epochs}`;
  return undefined;
}

/**
 * How far a run got, in [0,1]. While training, progress.epoch is the epoch in progress (its batches
 * count in); while waiting, the last one finished. A finished run is 1; a cancelled or failed run
 * shows the epochs it completed out of those planned, so "cancelled at 2 of 20" reads as 10%.
 */
export function fractionDone(r: { status: RunStatus; waitingForWorker: boolean; progress: Progress | null; epochsDone: number; epochsPlanned: number | null }): number {
  const p = r.progress;
  if (r.status === 'SUCCEEDED') return 1;
  if (r.status === 'RUNNING' && p) {
    const done = r.waitingForWorker ? p.epoch : p.epoch - 1 + (p.batches ? p.batch / p.batches : 0);
    return clamp01(done / Math.max(1, p.epochs));
  }
  if (r.status === 'CANCELLED' || r.status === 'FAILED') return clamp01(r.epochsDone / Math.max(1, r.epochsPlanned ?? r.epochsDone ?? 1));
  return 0;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0);
