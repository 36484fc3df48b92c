/**
 * Mutations on runs: launch, clone, cancel, edit, archive, restore, delete, bulk actions and queue a
 * whole study. The signed-in user owns what they launch; server/auth/policy.ts has already checked
 * their role and ownership (per run, for bulk actions, through runRefusal) and writes the audit
 * record(s) once the mutation succeeds.
 */
import type { Principal } from '../../auth/principal';
import { runRefusal, type RunAction } from '../../auth/policy';
import { applyBulk, checkBulkInput, type BulkAction } from '../../runs/bulk';
import { archiveRun, deleteRun, restoreRun, type RunOutcome } from '../../runs/removal';
import { cancelRun, cloneRun, launchRun, launchStudy, updateRun, UUID, type Owner } from '../../runs/service';
import type { Run } from '../../db/client';
import type { MutationResolvers } from '../generated';

/** The owner of what the caller creates (the policy lets only signed-in members and admins create). */
const ownerOf = (p: Principal): Owner | null => (p.userId ? { userId: p.userId, name: p.name } : null);

const BULK_PERMISSION: Record<BulkAction, RunAction> = { CANCEL: 'cancel', ARCHIVE: 'archive', RESTORE: 'archive', DELETE: 'delete', TAG: 'annotate', UNTAG: 'annotate' };

export const mutations: MutationResolvers = {
  launchRun: (_root, { input }, { prisma, principal, access }) => launchRun(prisma, input, ownerOf(principal), access.quotas),
  cloneRun: (_root, { id, overrides, name }, { prisma, principal, access }) => cloneRun(prisma, id, overrides, name, ownerOf(principal), access.quotas),
  cancelRun: (_root, { id }, { prisma }) => cancelRun(prisma, id),
  updateRun: (_root, { id, input }, { prisma }) => updateRun(prisma, id, input),
  deleteRun: (_root, { id }, { prisma }) => deleteRun(prisma, id),
  archiveRun: (_root, { id }, { prisma }) => archiveRun(prisma, id),
  restoreRun: (_root, { id }, { prisma }) => restoreRun(prisma, id),
  bulkRuns: async (_root, { input }, { prisma, principal, loaders }) => {
    const tags = checkBulkInput(input.ids, input.action, input.tags);
    const ids = [...new Set(input.ids)];
    const found = await loaders.run.loadMany(ids.filter((id) => UUID.test(id)));
    const byId = new Map(found.filter((r): r is Run => !!r && !(r instanceof Error)).map((r) => [r.id, r]));
    const refused: RunOutcome[] = [];
    const permitted: Run[] = [];
    for (const id of ids) {
      const run = byId.get(id);
      const refusal = run ? runRefusal(principal, BULK_PERMISSION[input.action], run) : `no run with id ${id}`;
      if (refusal) refused.push({ id, ok: false, message: refusal });
      else permitted.push(run!);
    }
    const done = await applyBulk(prisma, permitted, input.action, tags);
    loaders.run.clearAll();
    const outcomes = new Map([...refused, ...done].map((o) => [o.id, o]));
    const results = await Promise.all(ids.map(async (id) => ({ ...outcomes.get(id)!, name: byId.get(id)?.name, run: await loaders.run.load(id) })));
    return { results, succeeded: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length };
  },
  launchStudy: (_root, { input }, { prisma, principal, access }) => launchStudy(prisma, input ?? {}, ownerOf(principal), access.quotas),
};
