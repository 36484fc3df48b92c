/** Presets, datasets (with class statistics, split sizes and a sample per class) and the system view. */
import { countParameters, PRESETS } from '../../../trainer/config/presets';
import { datasetDetails, defaultDataset, findDataset, listDatasets } from '../../datasets/catalog';
import { DEFAULT_STALE_SECONDS } from '../../runs/reaper';
import { countLiveWorkers } from '../../worker/registry';
import type { DatasetResolvers, PresetResolvers, QueryResolvers } from '../generated';

export const catalogQueries: QueryResolvers = {
  presets: () => PRESETS,
  datasets: () => listDatasets(),
  dataset: (_root, { name }) => findDataset(name),
  system: async (_root, _args, { prisma }) => {
    const [counts, workers] = await Promise.all([
      prisma.run.groupBy({ by: ['status'], where: { status: { in: ['QUEUED', 'RUNNING'] } }, _count: { _all: true } }),
      countLiveWorkers(prisma, DEFAULT_STALE_SECONDS),
    ]);
    const n = (s: string) => counts.find((c) => c.status === s)?._count._all ?? 0;
    return { workers, queued: n('QUEUED'), running: n('RUNNING'), defaultDataset: defaultDataset() };
  },
};

export const Preset: PresetResolvers = {
  engine: (p) => p.config.engine,
  config: (p) => p.config,
  // Parameters on the default dataset's geometry (784 inputs, 47 EMNIST classes).
  parameters: (p) => countParameters(784, p.config.hidden, 47, p.config.batchNorm),
};

const details = (d: Parameters<typeof datasetDetails>[0]) => (d.available ? datasetDetails(d) : null);

export const Dataset: DatasetResolvers = {
  classCount: (d) => d.classCount,
  classNames: async (d) => (await details(d))?.classNames ?? [],
  imageCount: async (d) => (await details(d))?.imageCount ?? null,
  stats: async (d) => (await details(d))?.stats ?? null,
  splits: async (d) => (await details(d))?.splits ?? [],
  samples: async (d) => (await details(d))?.samples ?? [],
};
