/**
 * Study groups as first-class objects: a group is the runs one launchStudy queued (M0–M3b on one
 * dataset), plus the re-runs of its failed or cancelled members. For each preset the newest run in the
 * group is the current member; the runs it replaced are kept, listed apart. The group's status,
 * counts, epochs, progress and ETA are computed from its current members (progress weighs each member
 * by its estimated time, so an M1g epoch counts more than an M0 one). Actions on a group act on each
 * member the caller may act on (the same per-run rule as everywhere, server/auth/policy.ts).
 */
import { PRESETS } from '../../trainer/config/presets';
import type { PrismaClient, Run, RunGroup, RunStatus } from '../db/client';
import { notFound } from '../errors';
import * as lifecycle from './lifecycle';
import { estimateSeconds } from './estimates';
import { runShape, type QueueSchedule } from './queueSchedule';
import { stopAndDelete, type RunOutcome } from './removal';
import { cloneRun, UUID, type Owner } from './service';
import type { QuotaSettings } from './quotas';

export async function findGroup(prisma: PrismaClient, id: string): Promise<RunGroup | null> {
  return UUID.test(id) ? prisma.runGroup.findUnique({ where: { id } }) : null;
}

export async function getGroupOrThrow(prisma: PrismaClient, id: string): Promise<RunGroup> {
  const group = await findGroup(prisma, id);
  if (!group) throw notFound(`No study group with id ${id}`);
  return group;
}

export async function listGroups(prisma: PrismaClient, first: number): Promise<RunGroup[]> {
  return prisma.runGroup.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
}

export async function groupRuns(prisma: PrismaClient, groupId: string): Promise<Run[]> {
  return prisma.run.findMany({ where: { groupId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

const presetOrder = (preset: string | null) => {
  const i = PRESETS.findIndex((p) => p.name === preset);
  return i < 0 ? PRESETS.length : i;
};

/** The newest run per preset, in preset order (runs without a preset each stand alone), and the replaced ones. */
export function currentMembers(runs: Run[]): { current: Run[]; replaced: Run[] } {
  const newest = new Map<string, Run>();
  for (const run of runs) {
    const slot = run.preset ?? run.id;
    const seen = newest.get(slot);
    if (!seen || run.createdAt >= seen.createdAt) newest.set(slot, run);
  }
  const current = [...newest.values()].sort((a, b) => presetOrder(a.preset) - presetOrder(b.preset) || a.createdAt.getTime() - b.createdAt.getTime());
  const kept = new Set(current.map((r) => r.id));
  return { current, replaced: runs.filter((r) => !kept.has(r.id)) };
}

const FINISHED: RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export interface MemberProgress {
  run: Run;
  epochsDone: number;
  epochs: number;
  remainingSeconds: number | null;
  finishesInSeconds: number | null;
  speedSource: string | null;
  /** The member's whole estimated duration (its weight in the group's progress). */
  estimatedSeconds: number;
}

export interface GroupSummary {
  members: MemberProgress[];
  status: RunStatus;
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  finished: number;
  epochsDone: number;
  epochsTotal: number;
  progress: number;
  etaSeconds: number | null;
}

/** Status, counts, epochs, progress and ETA of a group's current members, from the queue schedule. */
export function summarizeGroup(current: Run[], schedule: QueueSchedule, epochsTrained: Map<string, number>): GroupSummary {
  const members: MemberProgress[] = current.map((run) => {
    const shape = runShape(run.config, run.dataset);
    const epochs = shape?.config.epochs ?? 0;
    const estimated = shape ? estimateSeconds(schedule.model, shape).seconds : 0;
    const scheduled = schedule.runs.get(run.id);
    const done = FINISHED.includes(run.status);
    return {
      run,
      epochs,
      epochsDone: done ? (epochsTrained.get(run.id) ?? 0) : (scheduled?.epochsDone ?? epochsTrained.get(run.id) ?? 0),
      remainingSeconds: done ? null : (scheduled?.remainingSeconds ?? null),
      finishesInSeconds: done ? null : (scheduled?.finishesInSeconds ?? null),
      speedSource: done ? null : (scheduled?.speedSource ?? null),
      estimatedSeconds: estimated,
    };
  });
  const count = (s: RunStatus) => current.filter((r) => r.status === s).length;
  const [queued, running, succeeded, failed, cancelled] = (['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const).map(count);
  const status: RunStatus = running ? 'RUNNING' : queued ? 'QUEUED' : current.length && succeeded === current.length ? 'SUCCEEDED' : failed ? 'FAILED' : current.length ? 'CANCELLED' : 'SUCCEEDED';
  const weight = members.reduce((s, m) => s + m.estimatedSeconds, 0);
  const left = members.reduce((s, m) => s + (m.remainingSeconds === null ? 0 : Math.min(m.remainingSeconds, m.estimatedSeconds || m.remainingSeconds)), 0);
  const unfinished = members.filter((m) => m.remainingSeconds !== null);
  return {
    members,
    status,
    total: current.length,
    queued,
    running,
    succeeded,
    failed,
    cancelled,
    finished: succeeded + failed + cancelled,
    epochsDone: members.reduce((s, m) => s + m.epochsDone, 0),
    epochsTotal: members.reduce((s, m) => s + m.epochs, 0),
    progress: weight > 0 ? Math.min(1, Math.max(0, 1 - left / weight)) : unfinished.length ? 0 : 1,
    etaSeconds: !unfinished.length || unfinished.some((m) => m.finishesInSeconds === null) ? null : Math.max(...unfinished.map((m) => m.finishesInSeconds!)),
  };
}

/** Epochs each run has finished (Epoch rows). */
export async function epochsTrained(prisma: PrismaClient, runIds: string[]): Promise<Map<string, number>> {
  const rows = await prisma.epoch.groupBy({ by: ['runId'], where: { runId: { in: runIds } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.runId, r._count._all]));
}

/** Each permitted member that is queued or running is cancelled (running ones stop after their batch). */
export async function cancelGroup(prisma: PrismaClient, current: Run[], permitted: (run: Run) => string | null): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  for (const run of current) {
    if (run.status !== 'QUEUED' && run.status !== 'RUNNING') continue;
    const refusal = permitted(run);
    if (refusal) {
      outcomes.push({ id: run.id, ok: false, message: refusal });
      continue;
    }
    const outcome = await lifecycle.cancel(prisma, run.id);
    outcomes.push(
      outcome === 'cancelled' ? { id: run.id, ok: true, message: null }
        : outcome === 'requested' ? { id: run.id, ok: true, message: 'stopping after its current batch' }
          : { id: run.id, ok: false, message: typeof outcome === 'object' ? `already ${outcome.finished}` : 'gone' },
    );
  }
  return outcomes;
}

/** A new run in the group for every failed or cancelled current member, owned by the caller. */
export async function rerunFailed(prisma: PrismaClient, group: RunGroup, current: Run[], owner: Owner | null, quotas: QuotaSettings, permitted: (run: Run) => string | null): Promise<(RunOutcome & { newRunId?: string })[]> {
  const outcomes: (RunOutcome & { newRunId?: string })[] = [];
  for (const run of current) {
    if (run.status !== 'FAILED' && run.status !== 'CANCELLED') continue;
    const refusal = permitted(run);
    if (refusal) {
      outcomes.push({ id: run.id, ok: false, message: refusal });
      continue;
    }
    try {
      const name = run.name.replace(/ \(re-run( \d+)?\)$/, '');
      const again = await cloneRun(prisma, run.id, null, `${name} (re-run)`, owner, quotas, { groupId: group.id });
      outcomes.push({ id: run.id, ok: true, message: `re-run as ${again.id}`, newRunId: again.id });
    } catch (err) {
      outcomes.push({ id: run.id, ok: false, message: (err as Error).message });
      // A quota refusal refuses the rest as well; stop instead of repeating it.
      if ((err as { extensions?: { code?: string } }).extensions?.code === 'QUOTA_EXCEEDED') break;
    }
  }
  return outcomes;
}

/** Deletes every permitted run of the group (stopping active ones first); the group goes once it is empty. */
export async function deleteGroup(prisma: PrismaClient, group: RunGroup, runs: Run[], permitted: (run: Run) => string | null): Promise<{ outcomes: RunOutcome[]; groupDeleted: boolean }> {
  const refused: RunOutcome[] = [];
  const allowed: Run[] = [];
  for (const run of runs) {
    const refusal = permitted(run);
    if (refusal) refused.push({ id: run.id, ok: false, message: refusal });
    else allowed.push(run);
  }
  const outcomes = [...(await stopAndDelete(prisma, allowed)), ...refused];
  const left = await prisma.run.count({ where: { groupId: group.id } });
  if (left === 0) await prisma.runGroup.deleteMany({ where: { id: group.id } });
  return { outcomes, groupDeleted: left === 0 };
}
