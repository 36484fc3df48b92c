/**
 * The trainer workers in the API: `system.workerList` and `system.backends` (what the live workers can
 * train on), and why a run waits (`Run.waitingReason`, server/worker/routing.ts). The live workers are
 * read once per request, however many runs ask.
 */
import type { BackendChoice } from '../../../trainer/engine/backend';
import { DEFAULT_STALE_SECONDS } from '../../runs/reaper';
import { whyWaiting, type LiveOffer } from '../../worker/routing';
import { backendUnion, listLiveWorkers, takingRuns, type LiveWorker } from '../../worker/registry';
import type { GraphQLContext } from '../context';
import type { RunModel } from '../mappers';
import type { WorkerInfoResolvers } from '../generated';

const perRequest = new WeakMap<GraphQLContext['loaders'], Promise<LiveWorker[]>>();

/** The live workers, read once per request (the loaders object is made afresh for each). */
export function liveWorkersOf(ctx: GraphQLContext): Promise<LiveWorker[]> {
  let workers = perRequest.get(ctx.loaders);
  if (!workers) {
    workers = listLiveWorkers(ctx.pool ?? ctx.prisma, DEFAULT_STALE_SECONDS);
    perRequest.set(ctx.loaders, workers);
  }
  return workers;
}

/** What the live workers that take runs offer: how many, and the union of their backends. */
export function offerOf(workers: readonly LiveWorker[]): LiveOffer {
  const taking = takingRuns(workers);
  return { workers: taking.length, backends: backendUnion(taking) };
}

/** Run.waitingReason: only a QUEUED run or one waiting for a worker can be waiting for one. */
export async function waitingReason(run: RunModel, ctx: GraphQLContext): Promise<string | null> {
  const waiting = run.status === 'QUEUED' || (run.status === 'RUNNING' && run.workerPid == null);
  if (!waiting || run.cancelRequested) return null;
  const config = (run.config !== undefined ? run.config : await ctx.loaders.config.load(run.id)) as { backend?: BackendChoice } | null;
  return whyWaiting(config?.backend ?? 'auto', offerOf(await liveWorkersOf(ctx)));
}

export const WorkerInfo: WorkerInfoResolvers = {
  backends: (w) => w.backends,
  gpu: (w) => w.backends.filter((b) => b.device === 'gpu').map((b) => b.detail).join(', ') || null,
  problem: (w) => w.modelsProblem,
  run: (w, _a, { loaders }) => (w.runId ? loaders.run.load(w.runId) : null),
  startedAt: (w) => w.startedAt.toISOString(),
  heartbeatAt: (w) => w.heartbeatAt.toISOString(),
};
