/** Presets, datasets (with class statistics, split sizes and a sample per class) and the system view (workers: workers.ts). */
import { BATCH_MEAN_PRESETS, countParameters, PRESETS, PROTOCOL_NAMES } from '../../../trainer/config/presets';
import { datasetDetails, defaultDataset, findDataset, listDatasets } from '../../datasets/catalog';
import { PUBLISHED, PUBLISHED_DATASET } from '../../report/published';
import { backendUnion, takingRuns } from '../../worker/registry';
import type { DatasetResolvers, PresetResolvers, QueryResolvers } from '../generated';
import { liveWorkersOf } from './workers';

export const catalogQueries: QueryResolvers = {
  presets: () => PRESETS,
  datasets: () => listDatasets(),
  dataset: (_root, { name }) => findDataset(name),
  system: async (_root, _args, ctx) => {
    const [counts, workers] = await Promise.all([
      ctx.prisma.run.groupBy({ by: ['status'], where: { status: { in: ['QUEUED', 'RUNNING'] } }, _count: { _all: true } }),
      liveWorkersOf(ctx),
    ]);
    const n = (s: string) => counts.find((c) => c.status === s)?._count._all ?? 0;
    return {
      workers: workers.length,
      workerList: workers,
      backends: backendUnion(takingRuns(workers)),
      queued: n('QUEUED'),
      running: n('RUNNING'),
      defaultDataset: defaultDataset(),
    };
  },
};

export const Preset: PresetResolvers = {
  protocol: (p) => PROTOCOL_NAMES[p.config.lossReduction],
  variants: (p) => (p.variant ? [] : BATCH_MEAN_PRESETS.filter((v) => v.row === p.name)),
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
  published: (d) => {
    if (!d.name.startsWith(PUBLISHED_DATASET)) return null;
    const { images, classes, perClass } = PUBLISHED.dataset;
    return {
      images, classes, meanPerClass: perClass.mean, stdPerClass: perClass.std, largestClass: perClass.max.class, largestCount: perClass.max.count,
      smallestClass: perClass.min.class, smallestCount: perClass.min.count, maxMinRatio: perClass.maxMinRatio,
    };
  },
};
