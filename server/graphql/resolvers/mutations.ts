/** Mutations: launch, clone, cancel, edit, delete and queue a whole study. */
import type { MutationResolvers, StudyGroupResolvers } from '../generated';
import { cancelRun, cloneRun, deleteRun, launchRun, launchStudy, updateRun } from '../../runs/service';

export const mutations: MutationResolvers = {
  launchRun: (_root, { input }, { prisma }) => launchRun(prisma, input),
  cloneRun: (_root, { id, overrides, name }, { prisma }) => cloneRun(prisma, id, overrides, name),
  cancelRun: (_root, { id }, { prisma }) => cancelRun(prisma, id),
  updateRun: (_root, { id, input }, { prisma }) => updateRun(prisma, id, input),
  deleteRun: (_root, { id }, { prisma }) => deleteRun(prisma, id),
  launchStudy: (_root, { input }, { prisma }) => launchStudy(prisma, input ?? {}),
};

export const StudyGroup: StudyGroupResolvers = {
  runs: (g) => g.runs,
};
