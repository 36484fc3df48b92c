/**
 * The report's rows as a pure function of the chosen runs, against hand calculations: published
 * percentages become fractions, deltas are ours − published, the gain over M0 is ours and the study's
 * each against its own M0, train/validation figures fall back to the kept epoch, a pinned run of
 * another preset is compared with the row's preset, and nothing published appears when not comparable.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { buildRows, chooseRuns, publishedFigures, type ReportCandidate } from '../../server/report/studyReport';

const run = (preset: string, accuracy: number, extra: Partial<ReportCandidate> = {}): ReportCandidate => ({
  id: `${preset}-${accuracy}`, name: `${preset} run`, preset, dataset: 'emnist-bymerge', status: 'SUCCEEDED', createdAt: new Date('2026-01-01T00:00:00Z'), archivedAt: null,
  presetExact: true, presetChanges: [], config: findPreset(preset).config, epochsConfigured: 50, epochsTrained: 50, valAccuracy: accuracy,
  evaluation: { accuracy, macroF1: accuracy - 0.03, crossEntropy: 0.4, trainAccuracy: null, trainLoss: null, valAccuracy: null, valLoss: null } as ReportCandidate['evaluation'],
  bestEpoch: { trainAccuracy: accuracy + 0.01, valAccuracy: accuracy - 0.01, valLoss: 0.42 },
  robustness: [{ sigma: 0, accuracy, clipped: false }, { sigma: 0.1, accuracy: accuracy - 0.05, clipped: false }, { sigma: 0.1, accuracy: accuracy - 0.2, clipped: true }],
  ...extra,
});
const metric = (row: ReturnType<typeof buildRows>[number], key: string) => row.metrics.find((m) => m.key === key)!;

describe('report rows', () => {
  const chosen = chooseRuns([run('M0', 0.87), run('M1g', 0.885), run('M1g', 0.7, { id: 'worse', createdAt: new Date('2026-02-01T00:00:00Z') })], []);
  const rows = buildRows(chosen, { dataset: 'emnist-bymerge', comparable: true });
  const m1g = rows.find((r) => r.preset === 'M1g')!;

  it('converts the published percentages and gives ours − published and each side\'s gain over its own M0', () => {
    expect(publishedFigures('M1g').figures.testAccuracy).toBeCloseTo(0.8858, 12);
    expect(m1g.runId).toBe('M1g-0.885'); // the better validation accuracy, not the newer run
    expect(metric(m1g, 'testAccuracy').delta).toBeCloseTo(0.885 - 0.8858, 12);
    expect(metric(m1g, 'gainOverM0').ours).toBeCloseTo(0.015, 12);
    expect(metric(m1g, 'gainOverM0').published).toBeCloseTo(0.0113, 12);
    // No train/validation figures in the evaluation: the kept epoch's.
    expect(metric(m1g, 'valAccuracy')).toMatchObject({ ours: 0.875 });
    expect(metric(m1g, 'valAccuracy').published).toBeCloseTo(0.8851, 12);
    expect(metric(m1g, 'valLoss').delta).toBeCloseTo(0.42 - 0.3322, 12);
    expect(rows.find((r) => r.preset === 'M2')!.metrics.find((m) => m.key === 'testAccuracy')).toMatchObject({ ours: null, delta: null });
  });

  it('compares robustness under the chosen clipping', () => {
    expect(m1g.robustness.slice(0, 2).map((p) => p.ours)).toEqual([0.885, 0.835]);
    expect(m1g.robustness[1].published).toBeCloseTo(0.7744, 12);
    const clipped = buildRows(chosen, { dataset: 'emnist-bymerge', comparable: true, robustnessClip: true }).find((r) => r.preset === 'M1g')!;
    expect(clipped.robustness[1].ours).toBeCloseTo(0.685, 12);
    expect(clipped.robustness[0].ours).toBeNull(); // this run's clipped curve has no σ 0 point
  });

  it('names how a pinned run of another preset differs from the row\'s, and shows nothing published when not comparable', () => {
    const custom = run('M1b', 0.6, { id: 'custom', config: withOverrides(findPreset('M1b').config, { hidden: [16] }) });
    const pinned = chooseRuns([custom], [{ dataset: 'mnist', preset: 'M0', runId: 'custom', pinnedBy: 'Mia', pinnedById: null, pinnedAt: new Date() }]);
    const m0 = buildRows(pinned, { dataset: 'mnist', comparable: false })[0];
    expect(m0).toMatchObject({ choice: 'PINNED', label: 'M0 (modified: hidden, optimizer, earlyStopping)' });
    expect(m0.metrics.every((m) => m.published === null && m.delta === null)).toBe(true);
    expect(m0.robustness.every((p) => p.published === null)).toBe(true);
  });
});
