/**
 * What launching a study would queue, before anything is stored: every preset's run on the dataset with
 * the overrides applied (validated exactly as launchStudy validates them: a field that does not fit a
 * preset is refused naming the preset), its estimated time from measured throughput (estimates.ts),
 * the total, the work already queued ahead of it, and when the whole study should be done on the live
 * workers (queueSchedule.ts). Quota problems are listed rather than thrown, so the form can show them.
 */
import { GraphQLError } from 'graphql/index.js';
import { presetFormFor, studyPresets, type StudyProtocol } from '../../trainer/config/presets';
import type { ConfigIssue } from '../../trainer/config/schema';
import type { PrismaClient } from '../db/client';
import { inputError } from '../errors';
import { changedFields, modifiedLabel } from '../../trainer/config/presetDiff';
import { estimateSeconds } from './estimates';
import { costProblems, splitImages, type QuotaSettings } from './quotas';
import { loadQueueSchedule, simulateQueue } from './queueSchedule';
import { resolveLaunch } from './service';

export async function studyPreview(prisma: PrismaClient, input: { dataset?: string | null; overrides?: unknown; protocol?: StudyProtocol | null }, quotas: QuotaSettings) {
  const launches = studyPresets(input.protocol ?? 'PUBLISHED').map((p) => {
    try {
      return resolveLaunch({ preset: p.name, dataset: input.dataset, config: input.overrides });
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT') throw inputError(`${p.name}: ${err.message.replace(/config\./g, 'overrides.')}`, err.extensions.issues as ConfigIssue[]);
      throw err;
    }
  });
  const schedule = await loadQueueSchedule(prisma);
  const problems: string[] = [];
  const runs = launches.map(({ preset, dataset, config, cost }) => {
    const split = splitImages(dataset, config);
    const { seconds, speed } = estimateSeconds(schedule.model, { config, parameters: cost.parameters, trainingSamples: split.train, testSamples: split.test });
    for (const problem of costProblems(cost, quotas)) problems.push(`${preset!.name}: ${problem}`);
    // Compared with the form of the row its config follows (overrides may switch the loss reduction).
    const form = presetFormFor(preset!.row, config) ?? preset!;
    const modified = changedFields(config, form.config);
    return {
      preset: preset!.row,
      name: `${preset!.name} on ${dataset.name}`,
      engine: config.engine,
      epochs: config.epochs,
      parameters: cost.parameters,
      trainingSamples: split.train,
      estimatedSeconds: seconds,
      speedSource: speed.source,
      modified,
      label: modifiedLabel(form.name, modified),
    };
  });
  const simulated = simulateQueue([...schedule.active, ...runs.map((r, i) => ({ id: `preview-${i}`, held: false, remainingSeconds: r.estimatedSeconds }))], schedule.workers);
  return {
    dataset: launches[0].dataset.name,
    runs,
    totalSeconds: runs.reduce((s, r) => s + r.estimatedSeconds, 0),
    queueAheadSeconds: schedule.active.reduce((s, r) => s + r.remainingSeconds, 0),
    workers: schedule.workers,
    finishesInSeconds: simulated?.drain ?? null,
    problems,
  };
}
