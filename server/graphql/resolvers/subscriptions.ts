/**
 * Subscriptions over the database's run_events channel. runUpdated reloads the run once per event and
 * shares it, with one set of DataLoaders, among all subscribers of that run: 100 watchers selecting
 * the run, its epochs and its owner cost one query each per event, not 100. epochAdded is served from
 * the notification's payload without touching the database (its validation confusion matrix, when
 * selected, is one shared read per event).
 */
import type { Run } from '../../db/client';
import type { BusEvent, EpochEvent, RunEvent } from '../../events';
import { createLoaders, type GraphQLContext, type Loaders } from '../context';
import type { RunChange, SubscriptionResolvers } from '../generated';
import type { EpochModel } from '../mappers';

interface SharedRead {
  run: Run;
  loaders: Loaders;
}

/** One read (and one set of loaders) per event, for every subscriber of the run. */
const shared = new WeakMap<BusEvent, Promise<SharedRead | null>>();
const epochLoaders = new WeakMap<EpochModel, Loaders>();

export const subscriptions: SubscriptionResolvers = {
  runUpdated: {
    subscribe: (_root, { id }, { events, prisma, pool }) =>
      events.subscribe<SharedRead>(
        (e) => e.type === 'run' && e.runId === id && e.kind !== 'deleted',
        (e) => {
          let hit = shared.get(e);
          if (!hit) {
            // Fresh loaders per event, so a run's epochs/evaluation are never served from an old cache.
            const loaders = createLoaders(prisma, pool);
            hit = loaders.run.load(id).then((run) => (run ? { run, loaders } : null));
            shared.set(e, hit);
          }
          return hit.then((r) => r ?? undefined);
        },
      ),
    resolve: (read: SharedRead, _args: unknown, ctx: GraphQLContext) => {
      ctx.loaders = read.loaders;
      return read.run;
    },
  },
  epochAdded: {
    subscribe: (_root, { runId }, { events }) =>
      events.subscribe<EpochModel>(
        (e) => e.type === 'epoch' && e.runId === runId,
        (e) => (e as EpochEvent).epoch as EpochModel,
      ),
    // The payload object is the same for every subscriber of the event: one set of loaders per event,
    // so its valConfusion (when selected) is one query however many watch.
    resolve: (epoch: EpochModel, _args: unknown, ctx: GraphQLContext) => {
      let loaders = epochLoaders.get(epoch);
      if (!loaders) {
        loaders = createLoaders(ctx.prisma, ctx.pool);
        epochLoaders.set(epoch, loaders);
      }
      ctx.loaders = loaders;
      return epoch;
    },
  },
  runsChanged: {
    subscribe: (_root, _args, { events }) =>
      events.subscribe<RunChange>(
        (e) => e.type === 'run' && e.kind !== 'updated',
        (e) => ({ kind: (e as RunEvent).kind, runId: e.runId, status: (e as RunEvent).status }),
      ),
    resolve: (change: RunChange) => change,
  },
};
