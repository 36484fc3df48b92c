/** Runs: the list, one run, compare, and the Run type's fields (children through DataLoaders). */
import path from 'node:path';
import { auditToGraphQL, runHistory } from '../../auth/audit';
import { mayActOnRun, maySeeAuditAddresses } from '../../auth/policy';
import type { Run as DbRun } from '../../db/client';
import { inputError } from '../../errors';
import type { ClassScore, EvaluationResolvers, QueryResolvers, RunResolvers } from '../generated';
import { listAttempts } from '../../runs/lifecycle';
import type { GraphQLContext } from '../context';
import type { RunModel } from '../mappers';
import { presetLabel } from '../../runs/configIdentity';
import { PUBLISHED_DATASET } from '../../report/published';
import { publishedFigures } from '../../report/studyReport';
import { listRuns, UUID } from '../../runs/service';
import { scheduleFor } from './groups';
import { waitingReason } from './workers';

/** Never an absolute server path: relative to the server's folder when inside it, else the last two parts. */
function publicModelPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.join(path.basename(path.dirname(p)), path.basename(p));
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export const runQueries: QueryResolvers = {
  runs: (_root, args, { prisma, pool, loaders, principal, signal }) =>
    listRuns(prisma, args, { pool, primeEvaluation: (id, e) => loaders.evaluation.prime(id, e), viewerId: principal.userId, signal }),
  run: (_root, { id }, { loaders }) => (UUID.test(id) ? loaders.run.load(id) : null),
  compare: async (_root, { ids }, { loaders }) => {
    if (ids.length > 50) throw inputError('ids: compare at most 50 runs', [{ field: 'ids', message: 'at most 50' }]);
    const runs = await loaders.run.loadMany(ids.filter((id) => UUID.test(id)));
    return runs.filter((r): r is DbRun => !!r && !(r instanceof Error));
  },
};

export const Run: RunResolvers = {
  // The owner's current name (joined in by the list query, else loaded); old runs keep their label.
  owner: (r: RunModel & { ownerName?: string | null }, _a, { loaders }) =>
    r.ownerId ? (r.ownerName !== undefined ? r.ownerName : loaders.userName.load(r.ownerId)) : r.owner,
  can: (r, _a, { principal }) => ({
    cancel: mayActOnRun(principal, 'cancel', r),
    delete: mayActOnRun(principal, 'delete', r),
    rename: mayActOnRun(principal, 'rename', r),
    annotate: mayActOnRun(principal, 'annotate', r),
    clone: mayActOnRun(principal, 'clone', r),
    archive: mayActOnRun(principal, 'archive', r),
  }),
  presetChanges: (r) => r.presetChanges ?? [],
  presetLabel: (r) => presetLabel(r),
  archivedAt: (r) => iso(r.archivedAt),
  pins: (r, _a, { loaders }) => loaders.pins.load(r.id),
  // The study's figures belong beside a run only when it IS the preset as the study ran it (not a
  // batch-mean variant), on the study's data.
  published: (r) => {
    if (!r.preset || r.presetExact !== true || r.presetVariant !== null || r.dataset !== PUBLISHED_DATASET) return null;
    const { figures, robustness } = publishedFigures(r.preset);
    return { ...figures, robustness: robustness ? robustness.sigmas.map((sigma, i) => ({ sigma, accuracy: robustness.accuracy[i] })) : [] };
  },
  eta: async (r, _a, ctx) => {
    if (r.status !== 'QUEUED' && r.status !== 'RUNNING') return null;
    const scheduled = (await scheduleFor(ctx)).runs.get(r.id);
    return scheduled ? { remainingSeconds: scheduled.remainingSeconds, finishesInSeconds: scheduled.finishesInSeconds, speedSource: scheduled.speedSource } : null;
  },
  history: async (r, _a, { access, principal }) => {
    const entries = (await runHistory(access.pool, r.id, r.groupId)).map(auditToGraphQL);
    return maySeeAuditAddresses(principal) ? entries : entries.map((e) => ({ ...e, address: null }));
  },
  modelPath: (r) => (r.modelPath ? publicModelPath(r.modelPath) : null),
  createdAt: (r) => r.createdAt.toISOString(),
  startedAt: (r) => iso(r.startedAt),
  finishedAt: (r) => iso(r.finishedAt),
  heartbeatAt: (r) => iso(r.heartbeatAt),
  group: (r) => r.groupId,
  studyGroup: (r, _a, { loaders }) => (r.groupId ? loaders.group.load(r.groupId) : null),
  durationSeconds: (r) => r.durationSeconds ?? (r.startedAt ? ((r.finishedAt ?? new Date()).getTime() - r.startedAt.getTime()) / 1000 : null),
  queuePosition: (r, _a, { loaders }) => (r.status === 'QUEUED' ? loaders.queuePosition.load(r.id) : null),
  progress: (r) => {
    if (r.status !== 'RUNNING' || !r.progress || typeof r.progress !== 'object') return null;
    const p = r.progress as Record<string, number | string | undefined>;
    return {
      epoch: Number(p.epoch ?? 0),
      // List rows come without config (loaded only when selected), hence the optional chain.
      epochs: Number(p.epochs ?? (r.config as { epochs?: number } | undefined)?.epochs ?? 0),
      batch: Number(p.batch ?? 0),
      batches: Number(p.batches ?? 0),
      samplesPerSecond: p.samplesPerSecond == null ? null : Number(p.samplesPerSecond),
      phase: p.phase == null ? null : String(p.phase),
      label: p.label == null ? null : String(p.label),
      done: p.done == null ? null : Number(p.done),
      total: p.total == null ? null : Number(p.total),
    };
  },
  waitingForWorker: (r) => r.status === 'RUNNING' && r.workerPid == null,
  waitingReason: (r, _a, ctx) => waitingReason(r, ctx),
  threads: (r) => r.threads ?? null,
  // Kept in the run's summary (trainer RunResult.compute); read only where a page asks for it.
  compute: async (r, _a, { prisma }) =>
    r.threads == null ? null : (((await prisma.run.findUnique({ where: { id: r.id }, select: { summary: true } }))?.summary as { compute?: string } | null)?.compute ?? null),
  attempts: async (r, _a, { prisma, pool }) =>
    (await listAttempts(pool ?? prisma, [r.id])).map((a) => ({ ...a, startedAt: a.startedAt.toISOString(), endedAt: iso(a.endedAt) })),
  epochs: (r, _a, { loaders }) => loaders.epochs.load(r.id),
  config: (r, _a, { loaders }) => (r.config !== undefined ? r.config : loaders.config.load(r.id)),
  evaluation: (r, _a, { loaders }) => loaders.evaluation.load(r.id),
  robustness: async (r, { clip }, { loaders }) => {
    const own = async () => Boolean(((r.config ?? (await loaders.config.load(r.id))) as { robustness?: { clip?: boolean } } | null)?.robustness?.clip);
    const wanted = clip ?? (await own());
    return (await loaders.robustness.load(r.id)).filter((p) => p.clipped === wanted);
  },
};

/**
 * At most this many runs' confusion matrices, per-class scores and class names per request (the
 * compare page's limit, 50 runs × 3 fields; aliases repeating the same runs count again): each matrix
 * is ~2,200 numbers, which armor's cost estimate counts as one field.
 */
export const MAX_DETAILED_RUNS = 50;

function detail(ctx: GraphQLContext, runId: string) {
  ctx.detailFields = (ctx.detailFields ?? 0) + 1;
  if (ctx.detailFields > MAX_DETAILED_RUNS * 3) {
    throw inputError(`evaluation.confusion/perClass/classNames: for at most ${MAX_DETAILED_RUNS} runs per request; ask for fewer runs (first ≤ ${MAX_DETAILED_RUNS}) or leave these fields out`, [
      { field: 'evaluation', message: `at most ${MAX_DETAILED_RUNS} runs with details per request` },
    ]);
  }
  return ctx.loaders.evaluationDetail.load(runId);
}

/** The bulky parts of an evaluation load only when a query selects them. */
export const Evaluation: EvaluationResolvers = {
  perClass: async (e, _a, ctx) => ((await detail(ctx, e.runId))?.perClass ?? []) as unknown as ClassScore[],
  confusion: async (e, _a, ctx) => ((await detail(ctx, e.runId))?.confusion ?? []) as number[][],
  classNames: async (e, _a, ctx) => (await detail(ctx, e.runId))?.classNames ?? [],
};
