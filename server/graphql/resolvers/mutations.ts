/**
 * Mutations on runs: launch, clone, cancel, edit, delete and queue a whole study. The signed-in user
 * owns what they launch; server/auth/policy.ts has already checked their role and ownership and
 * writes the audit record once the mutation succeeds.
 */
import type { Principal } from '../../auth/principal';
import type { MutationResolvers, StudyGroupResolvers } from '../generated';
import { cancelRun, cloneRun, deleteRun, launchRun, launchStudy, updateRun, type Owner } from '../../runs/service';

/** The owner of what the caller creates (the policy lets only signed-in members and admins create). */
const ownerOf = (p: Principal): Owner | null => (p.userId ? { userId: p.userId, name: p.name } : null);

export const mutations: MutationResolvers = {
  launchRun: (_root, { input }, { prisma, principal, access }) => launchRun(prisma, input, ownerOf(principal), access.quotas),
  cloneRun: (_root, { id, overrides, name }, { prisma, principal, access }) => cloneRun(prisma, id, overrides, name, ownerOf(principal), access.quotas),
  cancelRun: (_root, { id }, { prisma }) => cancelRun(prisma, id),
  updateRun: (_root, { id, input }, { prisma }) => updateRun(prisma, id, input),
  deleteRun: (_root, { id }, { prisma }) => deleteRun(prisma, id),
  launchStudy: (_root, { input }, { prisma, principal, access }) => launchStudy(prisma, input ?? {}, ownerOf(principal), access.quotas),
};

export const StudyGroup: StudyGroupResolvers = {
  runs: (g) => g.runs,
};
