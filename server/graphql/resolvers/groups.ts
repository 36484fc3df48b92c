/**
 * Study groups over GraphQL: one group with its members' progress, ETA and mini-report, the recent
 * groups, the study launch preview, and the group actions (cancel, re-run failed, delete). The queue
 * schedule behind every ETA is computed once per request (`scheduleFor`), however many groups and runs
 * the query asks about. Per-run permissions come from server/auth/policy.ts (runRefusal).
 */
import { runRefusal } from '../../auth/policy';
import { atLeast } from '../../auth/roles';
import type { Principal } from '../../auth/principal';
import type { Run, RunGroup } from '../../db/client';
import { inputError } from '../../errors';
import { groupReport, pinGroupMembers } from '../../report/report';
import { cancelGroup, currentMembers, deleteGroup, epochsTrained, findGroup, getGroupOrThrow, groupRuns, listGroups, rerunFailed, summarizeGroup, type GroupSummary } from '../../runs/groups';
import { loadQueueSchedule, type QueueSchedule } from '../../runs/queueSchedule';
import type { RunOutcome } from '../../runs/removal';
import { studyPreview } from '../../runs/studyPreview';
import { STUDY_PROTOCOL_LABELS } from '../../../trainer/config/presets';
import type { GraphQLContext } from '../context';
import type { MutationResolvers, QueryResolvers, StudyGroupResolvers } from '../generated';
import type { StudyGroupModel } from '../mappers';
import { mayActOnRun } from '../../auth/policy';

const schedules = new WeakMap<GraphQLContext, Promise<QueueSchedule>>();

/** The queue schedule, once per request. */
export function scheduleFor(ctx: GraphQLContext): Promise<QueueSchedule> {
  let hit = schedules.get(ctx);
  if (!hit) {
    hit = loadQueueSchedule(ctx.pool ?? ctx.prisma);
    schedules.set(ctx, hit);
  }
  return hit;
}

interface GroupState {
  runs: Run[];
  current: Run[];
  replaced: Run[];
  summary: GroupSummary;
}

const states = new WeakMap<GraphQLContext, Map<string, Promise<GroupState>>>();

/** A group's runs and summary, once per request and group. */
function stateOf(ctx: GraphQLContext, groupId: string): Promise<GroupState> {
  let perRequest = states.get(ctx);
  if (!perRequest) states.set(ctx, (perRequest = new Map()));
  let hit = perRequest.get(groupId);
  if (!hit) {
    hit = (async () => {
      const runs = await groupRuns(ctx.prisma, groupId);
      const { current, replaced } = currentMembers(runs);
      const [schedule, trained] = await Promise.all([scheduleFor(ctx), epochsTrained(ctx.prisma, current.map((r) => r.id))]);
      return { runs, current, replaced, summary: summarizeGroup(current, schedule, trained) };
    })();
    perRequest.set(groupId, hit);
  }
  return hit;
}

const ownerOf = (p: Principal) => (p.userId ? { userId: p.userId, name: p.name } : null);

/** Outcomes as BulkRunResult values: the run after the action (null once deleted), the name for the audit. */
async function withRuns(ctx: GraphQLContext, outcomes: (RunOutcome & { newRunId?: string })[], before: Run[]) {
  const names = new Map(before.map((r) => [r.id, r.name]));
  return Promise.all(outcomes.map(async (o) => ({ ...o, name: names.get(o.id), run: await ctx.loaders.run.load(o.newRunId ?? o.id) })));
}

const sentence = (done: number, what: string, refused: number) => `${done} run${done === 1 ? '' : 's'} ${what}${refused ? `; ${refused} not (see each run's message)` : ''}.`;

export const groupQueries: QueryResolvers = {
  group: (_root, { id }, { prisma }) => findGroup(prisma, id),
  groups: (_root, { first }, { prisma }) => {
    const n = first ?? 20;
    if (n < 1 || n > 100) throw inputError('first: must be between 1 and 100', [{ field: 'first', message: 'between 1 and 100' }]);
    return listGroups(prisma, n);
  },
  studyPreview: (_root, { input }, { prisma, access }) => studyPreview(prisma, input ?? {}, access.quotas),
};

/** Forgets what this request has loaded about runs and groups, once an action has changed them. */
function forgetLoaded(ctx: GraphQLContext): void {
  ctx.loaders.run.clearAll();
  states.delete(ctx);
  schedules.delete(ctx);
}

type Outcomes = (RunOutcome & { newRunId?: string })[];

/**
 * An action on a group's current members (one per preset): `act` returns one outcome per member it
 * concerned; the answer carries each outcome with its run and one sentence ("3 runs queued again; 1
 * not …"), or `nothing` when no member was concerned.
 */
async function actOnMembers(ctx: GraphQLContext, id: string, act: (group: RunGroup, current: Run[]) => Promise<Outcomes>, what: (outcomes: Outcomes, group: RunGroup, current: Run[]) => string, nothing: string) {
  const group = await getGroupOrThrow(ctx.prisma, id);
  const { current } = await stateOf(ctx, id);
  const outcomes = await act(group, current);
  forgetLoaded(ctx);
  const done = outcomes.filter((o) => o.ok).length;
  const message = outcomes.length ? sentence(done, what(outcomes, group, current), outcomes.length - done) : nothing;
  return { group, results: await withRuns(ctx, outcomes, current), message };
}

export const groupMutations: MutationResolvers = {
  cancelGroup: (_root, { id }, ctx) =>
    actOnMembers(ctx, id, (_group, current) => cancelGroup(ctx.prisma, current, (run) => runRefusal(ctx.principal, 'cancel', run)), () => 'cancelled or stopping', 'Nothing to cancel: no member is queued or running.'),
  rerunFailedInGroup: (_root, { id }, ctx) =>
    actOnMembers(
      ctx,
      id,
      (group, current) => rerunFailed(ctx.prisma, group, current, ownerOf(ctx.principal), ctx.access.quotas, (run) => runRefusal(ctx.principal, 'clone', run)),
      () => 'queued again',
      'Nothing to re-run: no member failed or was cancelled.',
    ),
  pinGroupToReport: (_root, { id }, ctx) =>
    actOnMembers(
      ctx,
      id,
      (_group, current) => pinGroupMembers(ctx.pool ?? ctx.prisma, current, { userId: ctx.principal.userId, name: ctx.principal.name }),
      (outcomes, group, current) => {
        const replacing = outcomes.filter((o) => o.ok && o.message).length;
        return `pinned to the ${group.dataset ?? current[0]?.dataset ?? 'its dataset'} report${replacing ? ` (${replacing} in place of an earlier pin)` : ''}`;
      },
      'Nothing to pin: no member has a preset.',
    ),
  deleteGroup: async (_root, { id }, ctx) => {
    const group = await getGroupOrThrow(ctx.prisma, id);
    const runs = await groupRuns(ctx.prisma, id);
    const { outcomes, groupDeleted } = await deleteGroup(ctx.prisma, group, runs, (run) => runRefusal(ctx.principal, 'delete', run));
    forgetLoaded(ctx);
    const done = outcomes.filter((o) => o.ok).length;
    return {
      group: groupDeleted ? null : group,
      results: await withRuns(ctx, outcomes, runs),
      message: `${sentence(done, 'deleted', outcomes.length - done)}${groupDeleted ? ' The group is deleted.' : ' The group stays while it has runs.'}`,
    };
  },
};

export const StudyGroup: StudyGroupResolvers = {
  createdAt: (g) => g.createdAt.toISOString(),
  owner: (g, _a, { loaders }) => (g.ownerId ? loaders.userName.load(g.ownerId) : null),
  overrides: (g) => g.overrides ?? null,
  protocol: (g) => (g.protocol === 'BATCH_MEAN' ? 'BATCH_MEAN' : 'PUBLISHED'),
  protocolLabel: (g) => STUDY_PROTOCOL_LABELS[g.protocol === 'BATCH_MEAN' ? 'BATCH_MEAN' : 'PUBLISHED'],
  runs: async (g, _a, ctx) => (await stateOf(ctx, g.id)).current,
  replacedRuns: async (g, _a, ctx) => (await stateOf(ctx, g.id)).replaced,
  members: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.members,
  status: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.status,
  total: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.total,
  queued: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.queued,
  running: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.running,
  succeeded: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.succeeded,
  failed: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.failed,
  cancelled: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.cancelled,
  finished: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.finished,
  epochsDone: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.epochsDone,
  epochsTotal: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.epochsTotal,
  progress: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.progress,
  etaSeconds: async (g, _a, ctx) => (await stateOf(ctx, g.id)).summary.etaSeconds,
  report: async (g: StudyGroupModel, _a, ctx) => groupReport(ctx.pool ?? ctx.prisma, g, new Set((await stateOf(ctx, g.id)).current.map((r) => r.id))),
  can: async (g, _a, ctx) => {
    const { runs, current } = await stateOf(ctx, g.id);
    const p = ctx.principal;
    return {
      cancel: current.some((r) => (r.status === 'QUEUED' || r.status === 'RUNNING') && mayActOnRun(p, 'cancel', r)),
      rerun: current.some((r) => (r.status === 'FAILED' || r.status === 'CANCELLED') && mayActOnRun(p, 'clone', r)),
      delete: runs.length > 0 && runs.every((r) => mayActOnRun(p, 'delete', r)),
      // Pinning a report row is a member's right on any run (server/auth/policy.ts, pinReportRun).
      pin: atLeast(p.role, 'member') && current.some((r) => r.status === 'SUCCEEDED' && !r.archivedAt && !!r.preset),
    };
  },
};
