/**
 * The study report over GraphQL: studyReport(dataset), pinning a run to a preset row and unpinning it
 * (both answer with the report as it now stands), the report types' fields, and compareSummary. The
 * report is built on the server (server/report/); the page only renders it.
 */
import { compareSummary } from '../../runs/compare';
import { pinReportRun, studyReport, unpinReportRun } from '../../report/report';
import type { MutationResolvers, QueryResolvers, ReportPinResolvers, ReportRowResolvers } from '../generated';

export const reportQueries: QueryResolvers = {
  studyReport: (_root, { dataset, robustnessClip }, { prisma, pool }) => studyReport(pool ?? prisma, dataset, robustnessClip ?? false),
  compareSummary: (_root, { ids }, { prisma, pool }) => compareSummary(pool ?? prisma, ids),
};

export const reportMutations: MutationResolvers = {
  pinReportRun: async (_root, { dataset, preset, runId }, { prisma, pool, principal }) => {
    await pinReportRun(pool ?? prisma, { dataset, preset, runId }, { userId: principal.userId, name: principal.name });
    return studyReport(pool ?? prisma, dataset);
  },
  unpinReportRun: async (_root, { dataset, preset }, { prisma, pool }) => {
    await unpinReportRun(pool ?? prisma, { dataset, preset });
    return studyReport(pool ?? prisma, dataset);
  },
};

export const ReportRow: ReportRowResolvers = {
  run: (row, _a, { loaders }) => (row.runId ? loaders.run.load(row.runId) : null),
};

export const ReportPin: ReportPinResolvers = {
  pinnedAt: (p) => p.pinnedAt.toISOString(),
};
