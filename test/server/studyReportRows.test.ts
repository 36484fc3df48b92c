/**
 * The report's rows as a pure function of the chosen runs, against hand calculations: published
 * percentages become fractions, deltas are ours − published, the gain over M0 is ours and the study's
 * each against its own M0, train/validation figures fall back to the kept epoch, a pinned run of
 * another preset is compared with the row's preset, and nothing published appears when not comparable.
 * Protocols (issue 25): each row names its protocol; the study's figures stand only beside runs of the
 * study's protocol, and the batch-mean variants' runs get rows of their own.
 */
import { describe, expect, it } from 'vitest';
import { findPreset, studyPresets } from '../../trainer/config/presets';
import { withOverrides } from '../../trainer/config/schema';
import { buildRows, chooseRuns, groupChoice, OTHER_PROTOCOL_FORMS, publishedFigures, type ReportCandidate } from '../../server/report/studyReport';

const run = (preset: string, accuracy: number, extra: Partial<ReportCandidate> = {}): ReportCandidate => ({
  id: `${preset}-${accuracy}`, name: `${preset} run`, preset, dataset: 'emnist-bymerge', status: 'SUCCEEDED', createdAt: new Date('2026-01-01T00:00:00Z'), archivedAt: null,
  presetExact: true, presetChanges: [], presetVariant: null, config: findPreset(preset).config, epochsConfigured: 50, epochsTrained: 50, valAccuracy: accuracy,
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

describe('report rows by protocol', () => {
  // Two exact M1c runs: as the study ran it (summed) and its batch-mean variant, which scores lower.
  const summed = run('M1c', 0.85);
  const mean = run('M1c', 0.76, { id: 'mean', presetVariant: 'batch mean', config: findPreset('M1c · batch mean').config });
  const m0Mean = run('M0', 0.29, { id: 'm0-mean', presetVariant: 'batch mean', config: findPreset('M0 · batch mean').config });
  const candidates = [summed, mean, m0Mean];

  it('sets the study\'s figures beside the summed run only, and names each row\'s protocol', () => {
    const rows = buildRows(chooseRuns(candidates, []), { dataset: 'emnist-bymerge', comparable: true });
    const m1c = rows.find((r) => r.preset === 'M1c')!;
    expect(m1c).toMatchObject({ runId: 'M1c-0.85', label: 'M1c', protocol: 'summed gradients', asPublished: true, exactRuns: 1 });
    expect(metric(m1c, 'valAccuracy').published).toBeCloseTo(0.8789, 12);
    expect(metric(m1c, 'valAccuracy').delta).toBeCloseTo(0.84 - 0.8789, 12);
    // M0 has only a batch-mean run: it does not stand for the study's M0, which keeps its published figure alone.
    const m0 = rows.find((r) => r.preset === 'M0')!;
    expect(m0).toMatchObject({ runId: null, protocol: 'summed gradients', asPublished: true, why: 'no finished M0 run on emnist-bymerge' });
    expect(metric(m0, 'testAccuracy')).toMatchObject({ ours: null, published: 0.8745 });
    // The framework rows keep the batch mean, which is their published protocol.
    expect(rows.find((r) => r.preset === 'M2')).toMatchObject({ protocol: 'batch mean', asPublished: true });
  });

  it('lists the batch-mean runs apart, under their own names, with no published figure', () => {
    const other = buildRows(chooseRuns(candidates, [], new Map([['M1c · batch mean', 2]]), OTHER_PROTOCOL_FORMS), { dataset: 'emnist-bymerge', comparable: true, forms: OTHER_PROTOCOL_FORMS });
    expect(other.map((r) => r.preset)).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h']);
    const m1c = other.find((r) => r.preset === 'M1c')!;
    expect(m1c).toMatchObject({ runId: 'mean', label: 'M1c · batch mean', protocol: 'batch mean', asPublished: false, exactRuns: 1, modifiedRuns: 2 });
    // Its gain over M0 is against M0 · batch mean: 0.76 − 0.29; nothing published anywhere.
    expect(metric(m1c, 'gainOverM0').ours).toBeCloseTo(0.47, 12);
    for (const r of other) {
      expect(r.metrics.every((m) => m.published === null && m.delta === null)).toBe(true);
      expect(r.robustness.every((p) => p.published === null)).toBe(true);
    }
    expect(other.find((r) => r.preset === 'M1g')).toMatchObject({ runId: null, label: 'M1g · batch mean', why: 'no finished M1g · batch mean run on emnist-bymerge' });
  });

  it('a batch-mean run pinned to the study\'s row is shown as such, without the published figures, saying why', () => {
    const rows = buildRows(chooseRuns(candidates, [{ dataset: 'emnist-bymerge', preset: 'M1c', runId: 'mean', pinnedBy: 'Mia', pinnedById: null, pinnedAt: new Date('2026-03-01T00:00:00Z') }]), { dataset: 'emnist-bymerge', comparable: true });
    const m1c = rows.find((r) => r.preset === 'M1c')!;
    expect(m1c).toMatchObject({ choice: 'PINNED', label: 'M1c · batch mean', protocol: 'batch mean', asPublished: false });
    expect(m1c.why).toBe("pinned by Mia on 2026-03-01; trained with batch mean, not the study's summed gradients for M1c, so the published figures are not set beside it");
    expect(m1c.metrics.every((m) => m.published === null)).toBe(true);
  });

  it('a batch-mean study group\'s report names its rows as variants and sets no published figure beside them', () => {
    const rows = buildRows(groupChoice([{ ...mean, status: 'RUNNING' }]), { dataset: 'emnist-bymerge', comparable: true, forms: studyPresets('BATCH_MEAN') });
    expect(rows.find((r) => r.preset === 'M1c')).toMatchObject({ label: 'M1c · batch mean', protocol: 'batch mean', asPublished: false, why: "this study's run (running)" });
    expect(rows.find((r) => r.preset === 'M0')).toMatchObject({ label: 'M0 · batch mean', runId: null, asPublished: false });
    expect(metric(rows.find((r) => r.preset === 'M0')!, 'testAccuracy').published).toBeNull();
    // The framework rows are the same in both protocols, with their published figures.
    expect(metric(rows.find((r) => r.preset === 'M2')!, 'testAccuracy').published).toBeCloseTo(0.8836, 12);
  });
});
