/**
 * One action on many runs from the runs table: cancel, archive, restore, delete, tag, untag. The
 * resolver has already applied the permission rule to each run (server/auth/policy.ts); here each
 * permitted run gets the same operation as its single-run mutation, and its own outcome: one refused
 * or failed run never stops the others. Delete refuses running runs, as deleteRun does (cancel first).
 */
import type { PrismaClient, Run } from '../db/client';
import { inputError } from '../errors';
import * as lifecycle from './lifecycle';
import { archiveRun, deleteRun, restoreRun, type RunOutcome } from './removal';
import { cleanTags, LIMITS } from './service';

export type BulkAction = 'CANCEL' | 'ARCHIVE' | 'RESTORE' | 'DELETE' | 'TAG' | 'UNTAG';

/** Most runs one bulk request may name. */
export const MAX_BULK = 200;

export function checkBulkInput(ids: readonly string[], action: BulkAction, tags: readonly string[] | null | undefined): string[] {
  if (!ids.length) throw inputError('ids: name at least one run', [{ field: 'ids', message: 'empty' }]);
  if (ids.length > MAX_BULK) throw inputError(`ids: at most ${MAX_BULK} runs per request (got ${ids.length})`, [{ field: 'ids', message: `at most ${MAX_BULK}` }]);
  if (action !== 'TAG' && action !== 'UNTAG') return [];
  const clean = cleanTags(tags, 'tags');
  if (!clean.length) throw inputError(`tags: ${action} needs at least one tag`, [{ field: 'tags', message: 'empty' }]);
  return clean;
}

async function one(prisma: PrismaClient, run: Run, action: BulkAction, tags: string[]): Promise<RunOutcome> {
  switch (action) {
    case 'CANCEL': {
      const outcome = await lifecycle.cancel(prisma, run.id);
      if (outcome === 'cancelled') return { id: run.id, ok: true, message: null };
      if (outcome === 'requested') return { id: run.id, ok: true, message: 'stopping after its current batch' };
      return { id: run.id, ok: false, message: typeof outcome === 'object' ? `already finished (${outcome.finished}); nothing to cancel` : 'gone' };
    }
    case 'ARCHIVE':
      await archiveRun(prisma, run.id);
      return { id: run.id, ok: true, message: null };
    case 'RESTORE':
      await restoreRun(prisma, run.id);
      return { id: run.id, ok: true, message: null };
    case 'DELETE':
      return (await deleteRun(prisma, run.id)) ? { id: run.id, ok: true, message: null } : { id: run.id, ok: false, message: 'it was already gone' };
    case 'TAG':
    case 'UNTAG': {
      const next = action === 'TAG' ? [...new Set([...run.tags, ...tags])] : run.tags.filter((t) => !tags.includes(t));
      if (next.length > LIMITS.tags) return { id: run.id, ok: false, message: `at most ${LIMITS.tags} tags per run (it would have ${next.length})` };
      await prisma.run.update({ where: { id: run.id }, data: { tags: next } });
      return { id: run.id, ok: true, message: null };
    }
  }
}

/** Applies `action` to each run, in order, collecting each outcome (errors become that run's message). */
export async function applyBulk(prisma: PrismaClient, runs: Run[], action: BulkAction, tags: string[]): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  for (const run of runs) {
    try {
      outcomes.push(await one(prisma, run, action, tags));
    } catch (err) {
      outcomes.push({ id: run.id, ok: false, message: (err as Error).message });
    }
  }
  return outcomes;
}
