/**
 * Error analysis over GraphQL: a run's per-image test predictions (stored or not, and the re-evaluation
 * that stores them for older runs), the examples gallery (Run.examples, Run.examplesAgainst) with images
 * from the dataset files, the per-epoch validation confusion matrices (Epoch.valConfusion), and
 * `predict`, a drawing through chosen runs' saved models. Selections and ordering are in
 * server/examples/gallery.ts, images in server/examples/datasetImages.ts, inference in server/predict/.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from '../../../trainer/data/dataset';
import type { DecodedPredictions } from '../../../trainer/eval/testPredictions';
import { findDataset } from '../../datasets/catalog';
import { inputError } from '../../errors';
import { readPoolImages } from '../../examples/datasetImages';
import { decodeCursor, encodeCursor, page, selectAgainst, selectExamples, sharedImages, type ExampleOrder, type Selected } from '../../examples/gallery';
import { loadRunPredictions, type RunPredictions } from '../../examples/predictionStore';
import { checkPixels, checkRunIds, predictRuns } from '../../predict/predict';
import { requestReevaluation } from '../../runs/lifecycle';
import { getRunOrThrow, UUID } from '../../runs/service';
import { toSql } from '../../runs/sql';
import type { GraphQLContext } from '../context';
import type { EpochResolvers, Example, ExampleConnection, ExamplePrediction, MutationResolvers, QueryResolvers, RunResolvers } from '../generated';
import type { RunModel } from '../mappers';
import { selects } from '../selection';
import { MAX_DETAILED_RUNS } from './runs';

export const MAX_EXAMPLES_PAGE = 200;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
const sqlOf = (ctx: GraphQLContext) => toSql(ctx.pool ?? ctx.prisma);

async function predictionsOrThrow(ctx: GraphQLContext, runId: string, field: string): Promise<RunPredictions> {
  const p = await loadRunPredictions(sqlOf(ctx), runId);
  if (!p) {
    throw inputError(`Run ${runId} has no per-image test predictions: it was evaluated before they were kept (or has not finished). Re-evaluate its saved model (mutation reevaluateRun) to see its examples.`, [
      { field, message: 'no stored predictions; re-evaluate the run' },
    ]);
  }
  return p;
}

function checkClass(name: string, value: number | null | undefined, classes: number) {
  if (value != null && (!Number.isInteger(value) || value < 0 || value >= classes)) {
    throw inputError(`${name}: ${value} is not a class of this run (0…${classes - 1})`, [{ field: name, message: `between 0 and ${classes - 1}` }]);
  }
}

function pageArgs(first: number | null | undefined, after: string | null | undefined) {
  const n = first ?? 60;
  if (!Number.isInteger(n) || n < 0 || n > MAX_EXAMPLES_PAGE) throw inputError(`first: must be between 0 and ${MAX_EXAMPLES_PAGE}`, [{ field: 'first', message: `between 0 and ${MAX_EXAMPLES_PAGE}` }]);
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) throw inputError('after: not a cursor returned by this field', [{ field: 'after', message: 'invalid cursor' }]);
  return { first: n, cursor };
}

function predictionOf(p: DecodedPredictions, names: string[], at: number): ExamplePrediction {
  const label = (c: number) => names[c] ?? String(c);
  return {
    predictedClass: p.predicted[at],
    predictedLabel: label(p.predicted[at]),
    confidence: p.top3Probability[3 * at],
    trueProbability: p.trueProbability[at],
    top3: [0, 1, 2].map((j) => ({ classIndex: p.top3[3 * at + j], label: label(p.top3[3 * at + j]), probability: p.top3Probability[3 * at + j] })),
  };
}

/** One page of a sorted selection as the API's connection, with images when the query asks for them. */
async function connection(
  info: Parameters<typeof selects>[0],
  run: RunPredictions,
  other: RunPredictions | null,
  sorted: Selected[],
  order: ExampleOrder,
  first: number,
  cursor: ReturnType<typeof decodeCursor>,
  comparedImages: number | null,
): Promise<ExampleConnection> {
  const { items, hasNextPage } = page(sorted, order, first, cursor);
  const p = run.samples;
  const images = selects(info, ['items', 'image']) && items.length
    ? await readPoolImages(run.dataset, run.sources, items.map((s) => s.index), items.map((s) => p.truth[s.at]))
    : null;
  const nodes: Example[] = items.map((s, k) => ({
    index: s.index,
    trueClass: p.truth[s.at],
    trueLabel: run.classNames[p.truth[s.at]] ?? String(p.truth[s.at]),
    prediction: predictionOf(p, run.classNames, s.at),
    otherPrediction: other && s.other !== undefined ? predictionOf(other.samples, other.classNames, s.other) : null,
    // Without images the query did not select `image` (selects() above), so nothing reads the field.
    image: images ? { rows: images[k].rows, cols: images[k].cols, pixelsBase64: Buffer.from(images[k].pixels).toString('base64') } : (null as never),
  }));
  const last = items.at(-1);
  return {
    totalCount: sorted.length,
    items: nodes,
    pageInfo: { hasNextPage, endCursor: last ? encodeCursor({ key: last.key, index: last.index }) : null },
    classNames: run.classNames,
    comparedImages,
  };
}

const sameLayout = (a: DataSource[], b: DataSource[]) => JSON.stringify(a) === JSON.stringify(b);

export const exampleRunFields: Pick<RunResolvers, 'classNames' | 'savedModel' | 'predictions' | 'examples' | 'examplesAgainst'> = {
  classNames: async (r: RunModel, _a, ctx) => {
    const evaluated = (await ctx.loaders.evaluationDetail.load(r.id))?.classNames;
    if (evaluated?.length) return evaluated;
    return (await findDataset(r.dataset)?.classNames().catch(() => null)) ?? [];
  },
  savedModel: async (r: RunModel) => {
    if (r.status !== 'SUCCEEDED') return { available: false, problem: `the run is ${r.status}; only a finished run has a saved model` };
    if (!r.modelPath) return { available: false, problem: r.warning ?? 'the run has no saved model' };
    const ok = await access(path.join(r.modelPath, 'weights.bin')).then(() => true, () => false);
    return ok ? { available: true, problem: null } : { available: false, problem: 'its saved model is not on this server (deleted, or saved on another host)' };
  },
  predictions: async (r: RunModel, _a, { loaders }) => {
    const [info, job, evaluation] = await Promise.all([loaders.predictionsInfo.load(r.id), loaders.reevaluation.load(r.id), loaders.evaluation.load(r.id)]);
    return {
      stored: !!info,
      count: info?.count ?? null,
      origin: info?.origin ?? null,
      confusionDelta: info?.confusionDelta ?? null,
      storedAt: iso(info?.createdAt),
      canReevaluate: r.status === 'SUCCEEDED' && !!r.modelPath && !!evaluation,
      reevaluation: job
        ? {
            status: job.status,
            requestedAt: iso(job.requestedAt)!,
            startedAt: iso(job.startedAt),
            finishedAt: iso(job.finishedAt),
            workerHost: job.workerHost,
            progress: job.status === 'RUNNING' && job.progress ? { phase: job.progress.phase ?? 'evaluating', label: job.progress.label ?? null, done: job.progress.done ?? null, total: job.progress.total ?? null } : null,
            error: job.error,
          }
        : null,
    };
  },
  examples: async (r: RunModel, args, ctx, info) => {
    const { first, cursor } = pageArgs(args.first, args.after);
    const run = await predictionsOrThrow(ctx, r.id, 'examples');
    checkClass('trueClass', args.trueClass, run.samples.classes);
    checkClass('predictedClass', args.predictedClass, run.samples.classes);
    const order = (args.order ?? 'MOST_CONFIDENT') as ExampleOrder;
    const sorted = selectExamples(run.samples, { trueClass: args.trueClass, predictedClass: args.predictedClass, correct: args.correct }, order);
    return connection(info, run, null, sorted, order, first, cursor, null);
  },
  examplesAgainst: async (r: RunModel, args, ctx, info) => {
    const { first, cursor } = pageArgs(args.first, args.after);
    if (!UUID.test(args.other) || !(await ctx.loaders.run.load(args.other))) throw inputError(`other: no run with id ${args.other}`, [{ field: 'other', message: 'unknown run' }]);
    if (args.other === r.id) throw inputError('other: compare the run with another run', [{ field: 'other', message: 'the same run' }]);
    const [run, other] = await Promise.all([predictionsOrThrow(ctx, r.id, 'examplesAgainst'), predictionsOrThrow(ctx, args.other, 'other')]);
    if (run.dataset !== other.dataset || run.samples.classes !== other.samples.classes || !sameLayout(run.sources, other.sources)) {
      throw inputError(`other: run ${args.other} was evaluated on ${other.dataset} (${other.sources.map((s) => s.file).join(', ')}), this run on ${run.dataset} (${run.sources.map((s) => s.file).join(', ')}); their test images cannot be matched`, [
        { field: 'other', message: 'another dataset' },
      ]);
    }
    checkClass('trueClass', args.trueClass, run.samples.classes);
    checkClass('otherPredictedClass', args.otherPredictedClass, run.samples.classes);
    const order = (args.order ?? 'MOST_CONFIDENT') as ExampleOrder;
    const sorted = selectAgainst(run.samples, other.samples, { trueClass: args.trueClass, otherPredictedClass: args.otherPredictedClass }, order);
    return connection(info, run, other, sorted, order, first, cursor, sharedImages(run.samples, other.samples));
  },
};

export const Epoch: EpochResolvers = {
  valConfusion: (e, _a, ctx) => {
    const runs = (ctx.epochConfusionRuns ??= new Set());
    runs.add(e.runId);
    if (runs.size > MAX_DETAILED_RUNS) {
      throw inputError(`epochs.valConfusion: for at most ${MAX_DETAILED_RUNS} runs per request; ask for fewer runs or leave it out`, [{ field: 'valConfusion', message: `at most ${MAX_DETAILED_RUNS} runs` }]);
    }
    return ctx.loaders.epochConfusion.load(`${e.runId}:${e.epoch}`);
  },
};

export const exampleQueries: Pick<QueryResolvers, 'predict'> = {
  predict: async (_root, { runIds, pixels, top }, { loaders }) => {
    checkRunIds(runIds);
    checkPixels(pixels);
    const runs = await Promise.all(runIds.map(async (id) => (UUID.test(id) ? loaders.run.load(id) : null)));
    const unknown = runIds.filter((_, k) => !runs[k]);
    if (unknown.length) throw inputError(`runIds: no run with id ${unknown.join(', ')}`, unknown.map((id) => ({ field: 'runIds', message: `unknown run ${id}` })));
    return predictRuns(runs.map((r) => r!), pixels, top ?? 5);
  },
};

export const exampleMutations: Pick<MutationResolvers, 'reevaluateRun'> = {
  reevaluateRun: async (_root, { id }, ctx) => {
    await getRunOrThrow(ctx.prisma, id);
    const outcome = await requestReevaluation(sqlOf(ctx), id, ctx.principal.userId);
    if (typeof outcome === 'object') throw inputError(`Cannot re-evaluate: ${outcome.refused}`, [{ field: 'id', message: outcome.refused }]);
    return getRunOrThrow(ctx.prisma, id);
  },
};
