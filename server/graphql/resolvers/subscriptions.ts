/**
 * Subscriptions over the database's run_events channel. runUpdated reloads the run once per event and
 * shares it among all subscribers of that run (100 watchers cost one query); epochAdded is served from
 * the notification's payload without touching the database.
 */
import type { Run } from '../../db/client';
import type { BusEvent, EpochEvent, RunEvent } from '../../events';
import { createLoaders, type GraphQLContext } from '../context';
import type { RunChange, SubscriptionResolvers } from '../generated';
import type { EpochModel } from '../mappers';

const shared = new WeakMap<BusEvent, Promise<Run | null>>();

export const subscriptions: SubscriptionResolvers = {
  runUpdated: {
    subscribe: (_root, { id }, { events, prisma }) =>
      events.subscribe<Run>(
        (e) => e.type === 'run' && e.runId === id && e.kind !== 'deleted',
        (e) => {
          let hit = shared.get(e);
          if (!hit) {
            hit = prisma.run.findUnique({ where: { id } });
            shared.set(e, hit);
          }
          return hit.then((r) => r ?? undefined);
        },
      ),
    // Each event gets fresh loaders so a run's epochs/evaluation are never served from an old cache.
    resolve: (run: Run, _args: unknown, ctx: GraphQLContext) => {
      ctx.loaders = createLoaders(ctx.prisma, ctx.pool);
      return run;
    },
  },
  epochAdded: {
    subscribe: (_root, { runId }, { events }) =>
      events.subscribe<EpochModel>(
        (e) => e.type === 'epoch' && e.runId === runId,
        (e) => (e as EpochEvent).epoch as EpochModel,
      ),
    resolve: (epoch: EpochModel) => epoch,
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
