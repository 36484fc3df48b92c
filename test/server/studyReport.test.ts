/**
 * The study report computed on the server, against a real database: which run stands for a preset
 * (a modified M0 never, unless pinned; the best exact run by validation accuracy), its numbers equal the
 * run's stored evaluation, published figures only on EMNIST ByMerge with deltas of every metric
 * (robustness included), pins (who, when; surviving other deletions; a deleted pinned run unpins),
 * archive hiding runs from lists and the report, the config identity backfill for older runs (and its
 * recomputation by migration 0012: a mean-loss M1c becomes "M1c · batch mean"), the other protocol's
 * runs listed apart, and the compare summary for unlike runs. Runs are finished through the real lifecycle with chosen figures
 * (fakeTraining.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPreset } from '../../trainer/config/presets';
import { backfillConfigIdentity } from '../../server/runs/configIdentity';
import { hasEmnist, needsEmnist } from '../helpers/emnist';
import { FakeTrainer, type Figures } from './fakeTraining';
import { startTestService, type TestService, type TestUser } from './helpers';
import { newPool } from '../../server/db/pool';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../../server/db/migrate';

const ROW = `preset label choice why modified runName runPath dataset epochsTrained epochsConfigured exactRuns modifiedRuns
  pin { pinnedBy pinnedById pinnedAt runId } run { id presetLabel }
  metrics { key ours published delta better } robustness { sigma ours published delta }`;
const REPORT = `query($d: String!) { studyReport(dataset: $d) { dataset comparable notComparableReason finishedRuns rows { ${ROW} } notes { topic ours study effect figures { label value command runId } } } }`;
const code = (r: { errors?: { extensions?: any }[] }) => r.errors?.[0]?.extensions?.code;

let svc: TestService;
let trainer: FakeTrainer;
let member: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  svc = await startTestService({ workers: 0 });
  trainer = new FakeTrainer(svc.databaseUrl);
  member = await svc.createUser('member', 'Mia Member');
  viewer = await svc.createUser('viewer');
});
afterAll(async () => {
  await trainer?.close();
  await svc?.stopAll();
});

async function launch(preset: string, config: Record<string, unknown>, dataset = 'mnist', name?: string) {
  const res = await svc.gql('mutation($i: LaunchRunInput!) { launchRun(input: $i) { id presetExact presetChanges presetLabel configHash } }', { i: { preset, dataset, config, name: name ?? `${preset} ${JSON.stringify(config)}` } });
  expect(res.errors).toBeUndefined();
  return res.data.launchRun as { id: string; presetExact: boolean | null; presetChanges: string[]; presetLabel: string; configHash: string };
}

const figures = (accuracy: number, valAccuracy: number, extra: Partial<Figures> = {}): Figures => ({
  accuracy, macroF1: accuracy - 0.02, crossEntropy: 1 - accuracy, trainAccuracy: valAccuracy + 0.03, valAccuracy, valLoss: 1.1 - valAccuracy, ...extra,
});

async function finished(preset: string, config: Record<string, unknown>, f: Figures, dataset = 'mnist') {
  const run = await launch(preset, config, dataset);
  await trainer.finish(run.id, f, dataset === 'mnist' ? {} : {});
  return run;
}

const report = async (dataset: string) => {
  const res = await svc.gql(REPORT, { d: dataset });
  expect(res.errors).toBeUndefined();
  return res.data.studyReport;
};
const row = (r: any, preset: string) => r.rows.find((x: { preset: string }) => x.preset === preset);
const metric = (r: any, key: string) => r.metrics.find((m: { key: string }) => m.key === key);
const pinMutation = 'mutation($d: String!, $p: String!, $r: ID!) { pinReportRun(dataset: $d, preset: $p, runId: $r) { rows { preset choice runPath pin { pinnedBy } } } }';
const unpinMutation = 'mutation($d: String!, $p: String!) { unpinReportRun(dataset: $d, preset: $p) { rows { preset choice runPath } } }';

describe('which run stands for a preset', () => {
  let modified: Awaited<ReturnType<typeof launch>>;
  let best: Awaited<ReturnType<typeof launch>>;
  let other: Awaited<ReturnType<typeof launch>>;

  beforeAll(async () => {
    // The case: M0 with hidden [16] and 1 epoch, which happens to score far above the exact runs.
    modified = await finished('M0', { hidden: [16], epochs: 1 }, figures(0.99, 0.99, { epochs: 1 }));
    // Two exact M0 runs (another seed is still M0): the better validation accuracy wins, not the better test.
    best = await finished('M0', { seed: 7 }, figures(0.61, 0.63, { epochs: 3 }));
    other = await finished('M0', { seed: 8, threads: 1, backend: 'cpu' }, figures(0.70, 0.60));
  });

  it('labels a run that differs from its preset "modified" with the fields that differ; seed, threads and backend do not count', async () => {
    expect(modified).toMatchObject({ presetExact: false, presetChanges: ['hidden', 'epochs'], presetLabel: 'M0 (modified: hidden, epochs)' });
    expect(best).toMatchObject({ presetExact: true, presetChanges: [], presetLabel: 'M0' });
    expect(other).toMatchObject({ presetExact: true, presetLabel: 'M0' });
    expect(other.configHash).toBe(best.configHash);
    expect(modified.configHash).not.toBe(best.configHash);
    const custom = await svc.gql('mutation { launchRun(input: { dataset: "mnist", name: "no preset", config: { epochs: 1 } }) { id presetExact presetLabel } }');
    expect(custom.data.launchRun).toMatchObject({ presetExact: null, presetLabel: null });
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: custom.data.launchRun.id });
    // A clone with overrides is compared with the source's preset again: averaged, it is M0's batch-mean variant.
    const clone = await svc.gql('mutation($id: ID!) { cloneRun(id: $id, overrides: { lossReduction: "mean" }) { id presetLabel presetVariant presetExact group } }', { id: best.id });
    expect(clone.data.cloneRun).toMatchObject({ presetLabel: 'M0 · batch mean', presetVariant: 'batch mean', presetExact: true, group: null });
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: clone.data.cloneRun.id });
  });

  it('never takes a modified run, and takes the best exact run by validation accuracy, with its stored numbers', async () => {
    const r = await report('mnist');
    expect(r).toMatchObject({ dataset: 'mnist', comparable: false, finishedRuns: 3 });
    const m0 = row(r, 'M0');
    expect(m0).toMatchObject({ choice: 'BEST_EXACT', runPath: `/runs/${best.id}`, label: 'M0', modified: [], exactRuns: 2, modifiedRuns: 1, epochsTrained: 3, epochsConfigured: 50, why: 'best of 2 finished exact runs by validation accuracy' });
    expect(m0.run.id).toBe(best.id);
    // The row's numbers are the run's stored evaluation, read back through the API.
    const stored = (await svc.gql('query($id: ID!) { run(id: $id) { evaluation { accuracy macroF1 crossEntropy trainAccuracy valAccuracy valLoss } robustness { sigma accuracy } } }', { id: best.id })).data.run;
    expect(metric(m0, 'testAccuracy').ours).toBe(stored.evaluation.accuracy);
    expect(metric(m0, 'macroF1').ours).toBe(stored.evaluation.macroF1);
    expect(metric(m0, 'crossEntropy').ours).toBe(stored.evaluation.crossEntropy);
    expect(metric(m0, 'trainAccuracy').ours).toBe(stored.evaluation.trainAccuracy);
    expect(metric(m0, 'valAccuracy').ours).toBe(stored.evaluation.valAccuracy);
    expect(metric(m0, 'valLoss').ours).toBe(stored.evaluation.valLoss);
    expect(m0.robustness.map((p: { sigma: number; ours: number }) => [p.sigma, p.ours])).toEqual(stored.robustness.map((p: { sigma: number; accuracy: number }) => [p.sigma, p.accuracy]));
    // The rest of the study has no run yet; every row is there, in preset order.
    expect(r.rows.map((x: { preset: string }) => x.preset)).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h', 'M2', 'M3a', 'M3b']);
    expect(row(r, 'M1g')).toMatchObject({ choice: null, run: null, why: 'no finished M1g run on mnist' });
  });

  it('shows no published figure or delta on MNIST, and says why', async () => {
    const r = await report('mnist');
    expect(r.notComparableReason).toMatch(/EMNIST ByMerge.*mnist \(10 classes\)/);
    for (const x of r.rows) {
      for (const m of x.metrics) expect([m.published, m.delta]).toEqual([null, null]);
      for (const p of x.robustness) expect([p.published, p.delta]).toEqual([null, null]);
    }
    // Data size matters only beside the study's figures; the other differences hold on any data.
    expect(r.notes.map((n: { topic: string }) => n.topic)).toEqual(['Published figures', 'How the loss is reduced over a batch', 'Robustness to noise', 'Framework presets (M2, M3a, M3b)']);
  });

  it('a member pins a modified run on purpose: the row says so, by whom and when; unpinning returns to the best exact run', async () => {
    expect(code(await viewer.gql(pinMutation, { d: 'mnist', p: 'M0', r: modified.id }))).toBe('FORBIDDEN');
    const pinned = await member.gql(pinMutation, { d: 'mnist', p: 'M0', r: modified.id });
    expect(pinned.errors).toBeUndefined();
    const r = await report('mnist');
    const m0 = row(r, 'M0');
    expect(m0).toMatchObject({ choice: 'PINNED', runPath: `/runs/${modified.id}`, label: 'M0 (modified: hidden, epochs)', modified: ['hidden', 'epochs'], epochsTrained: 1, epochsConfigured: 1 });
    expect(m0.pin).toMatchObject({ pinnedBy: 'Mia Member', pinnedById: member.id, runId: modified.id });
    expect(Date.now() - Date.parse(m0.pin.pinnedAt)).toBeLessThan(60_000);
    expect(m0.why).toMatch(/^pinned by Mia Member on \d{4}-\d\d-\d\d$/);
    expect(metric(m0, 'testAccuracy').ours).toBe(0.99);
    const pins = (await svc.gql('query($id: ID!) { run(id: $id) { pins { dataset preset pinnedBy } } }', { id: modified.id })).data.run.pins;
    expect(pins).toEqual([{ dataset: 'mnist', preset: 'M0', pinnedBy: 'Mia Member' }]);

    const unpinned = await member.gql(unpinMutation, { d: 'mnist', p: 'M0' });
    expect(row(unpinned.data.unpinReportRun, 'M0')).toMatchObject({ choice: 'BEST_EXACT', runPath: `/runs/${best.id}` });
    const audit = (await svc.gql('{ auditLog(first: 10) { entries { action actorName runId detail } } }')).data.auditLog.entries;
    expect(audit[0]).toMatchObject({ action: 'unpinReportRun', actorName: 'Mia Member', runId: modified.id, detail: { dataset: 'mnist', preset: 'M0' } });
    expect(audit[1]).toMatchObject({ action: 'pinReportRun', actorName: 'Mia Member', runId: modified.id, detail: { dataset: 'mnist', preset: 'M0', replaced: null } });
  });

  it('refuses to pin an unfinished run, a run of another dataset, or to an unknown preset, saying what to do', async () => {
    const queued = await launch('M0', {});
    const refused = await svc.gql(pinMutation, { d: 'mnist', p: 'M0', r: queued.id });
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toMatch(/is QUEUED; only a finished \(SUCCEEDED\) run can stand for M0/);
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: queued.id });
    const elsewhere = await svc.gql(pinMutation, { d: 'emnist-bymerge', p: 'M0', r: best.id });
    expect(elsewhere.errors![0].message).toMatch(/trained on mnist, not emnist-bymerge; pin it in the mnist report/);
    expect((await svc.gql(pinMutation, { d: 'mnist', p: 'M9', r: best.id })).errors![0].message).toMatch(/unknown preset "M9"/);
  });

  it('a pin survives deleting other runs; deleting the pinned run unpins it', async () => {
    await svc.gql(pinMutation, { d: 'mnist', p: 'M0', r: other.id });
    expect((await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: modified.id })).data.deleteRun).toBe(true);
    expect(row(await report('mnist'), 'M0')).toMatchObject({ choice: 'PINNED', runPath: `/runs/${other.id}` });
    expect((await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: other.id })).data.deleteRun).toBe(true);
    const m0 = row(await report('mnist'), 'M0');
    expect(m0).toMatchObject({ choice: 'BEST_EXACT', runPath: `/runs/${best.id}`, pin: null, exactRuns: 1, why: 'the only finished exact run' });
  });

  it('an archived run leaves lists and the report until it is restored; queued runs cannot be archived', async () => {
    const archived = await svc.gql('mutation($id: ID!) { archiveRun(id: $id) { id archivedAt } }', { id: best.id });
    expect(archived.data.archiveRun.archivedAt).not.toBeNull();
    expect(row(await report('mnist'), 'M0').runPath).not.toBe(`/runs/${best.id}`);
    const list = async (archivedFilter?: string) => (await svc.gql('query($a: ArchivedFilter) { runs(filter: { archived: $a }) { edges { node { id } } } }', { a: archivedFilter ?? null })).data.runs.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await list()).not.toContain(best.id);
    expect(await list('ARCHIVED')).toEqual([best.id]);
    expect(await list('ALL')).toContain(best.id);
    // A member may not archive someone else's run.
    expect(code(await member.gql('mutation($id: ID!) { restoreRun(id: $id) { id } }', { id: best.id }))).toBe('FORBIDDEN');
    await svc.gql('mutation($id: ID!) { restoreRun(id: $id) { id } }', { id: best.id });
    expect(row(await report('mnist'), 'M0')).toMatchObject({ choice: 'BEST_EXACT', runPath: `/runs/${best.id}` });
    const queued = await launch('M1b', {});
    const refused = await svc.gql('mutation($id: ID!) { archiveRun(id: $id) { id } }', { id: queued.id });
    expect(refused.errors![0].message).toMatch(/is QUEUED; cancel it first, then archive it/);
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: queued.id });
  });
});

describe.skipIf(!hasEmnist)(`published figures on EMNIST ByMerge${needsEmnist}`, () => {
  it('shows the study\'s figures beside ours with ours − published for every metric that has one, robustness included', async () => {
    const sigmas = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
    const curve = sigmas.map((sigma, i) => ({ sigma, accuracy: 0.88 - 0.1 * i }));
    const clipped = sigmas.map((sigma, i) => ({ sigma, accuracy: i ? 0.5 / i : 0.88 }));
    const run = await finished('M1g', {}, figures(0.88, 0.87, { robustness: curve, otherRobustness: clipped, classNames: Array.from({ length: 47 }, (_, i) => `c${i}`) }), 'emnist-bymerge');
    const r = await report('emnist-bymerge');
    expect(r).toMatchObject({ comparable: true, notComparableReason: null });
    const m1g = row(r, 'M1g');
    expect(m1g.runPath).toBe(`/runs/${run.id}`);
    const expectPair = (key: string, ours: number, published: number) => {
      const m = metric(m1g, key);
      expect(m.ours).toBeCloseTo(ours, 12);
      expect(m.published).toBeCloseTo(published, 12);
      expect(m.delta).toBeCloseTo(ours - published, 12);
    };
    // published.json: M1g test 88.58 / F1 85.73 / CE 0.3368; train 90.66, val 88.51, val loss 0.3322.
    expectPair('testAccuracy', 0.88, 0.8858);
    expectPair('macroF1', 0.86, 0.8573);
    expectPair('crossEntropy', 0.12, 0.3368);
    expectPair('trainAccuracy', 0.90, 0.9066);
    expectPair('valAccuracy', 0.87, 0.8851);
    expectPair('valLoss', 0.23, 0.3322);
    // No M0 run on this dataset: our gain over M0 is unknown, the study's is 88.58 − 87.45.
    expect(metric(m1g, 'gainOverM0')).toMatchObject({ ours: null, delta: null });
    expect(metric(m1g, 'gainOverM0').published).toBeCloseTo(0.0113, 12);
    // Robustness: the study's M1g curve 88.58, 77.44, 39.95, 17.44, 8.98, 5.49.
    expect(m1g.robustness.map((p: { sigma: number }) => p.sigma)).toEqual(sigmas);
    const half = m1g.robustness[5];
    expect(half.ours).toBeCloseTo(0.38, 12);
    expect(half.published).toBeCloseTo(0.0549, 12);
    expect(half.delta).toBeCloseTo(0.38 - 0.0549, 12);
    // The clip switch: the same rows compare the clipped curve the run measured from the same noise.
    const clip = (await svc.gql('query { studyReport(dataset: "emnist-bymerge", robustnessClip: true) { robustnessClip rows { preset robustness { sigma ours published delta } } } }')).data.studyReport;
    expect(clip.robustnessClip).toBe(true);
    const clippedHalf = row(clip, 'M1g').robustness[5];
    expect(clippedHalf.ours).toBeCloseTo(0.1, 12);
    expect(clippedHalf.delta).toBeCloseTo(0.1 - 0.0549, 12);
    const byClip = (await svc.gql('query($id: ID!) { run(id: $id) { own: robustness { clipped accuracy } clipped: robustness(clip: true) { clipped accuracy } } }', { id: run.id })).data.run;
    expect(byClip.own.map((p: { accuracy: number }) => p.accuracy)).toEqual(curve.map((p) => p.accuracy));
    expect(byClip.clipped.map((p: { accuracy: number }) => p.accuracy)).toEqual(clipped.map((p) => p.accuracy));
    expect(byClip.clipped.every((p: { clipped: boolean }) => p.clipped)).toBe(true);
    // A row without a run still shows the published figures, with no delta.
    const m0 = row(r, 'M0');
    expect(metric(m0, 'testAccuracy')).toMatchObject({ ours: null, published: 0.8745, delta: null });
    // M1a has train/val figures in the study but no test figures.
    expect(metric(row(r, 'M1a'), 'valAccuracy').published).toBeCloseTo(0.8141, 12);
    expect(metric(row(r, 'M1a'), 'testAccuracy').published).toBeNull();
    expect(r.notes[0].topic).toBe('Data size');
    expect(r.notes[0].ours).toMatch(/All 116,323 images available here, split 70\/10\/20 stratified by class: about 81,426 training, 11,632 validation, 23,265 test images/);
    // The notes carry the measured figures, each with the command that reproduces it.
    const loss = r.notes.find((n: { topic: string }) => n.topic === 'How the loss is reduced over a batch');
    expect(loss.effect).toMatch(/M1c 75\.67% against M1b 84\.40%, M1d 65\.73% against M1a 70\.51%.*M1c 84\.62% against M1b 84\.13%, M1d 80\.52% against M1a 78\.97%, M0 83\.25%/);
    expect(loss.figures.slice(0, 2).map((x: { value: string; command: string }) => [x.value, x.command])).toEqual([
      ['84.22%', 'npm run train -- --preset M0 --out m0.json'],
      ['79.58%', 'npm run train -- --preset M1a --out m1a.json'],
    ]);
    expect(r.notes.find((n: { topic: string }) => n.topic.startsWith('Framework')).effect).toMatch(/M2 beside "M1g · batch mean"/);
    expect(JSON.stringify(r.notes)).not.toMatch(/NaN|undefined/);
  });

  it('compare warns about unlike runs and marks the best within each dataset only', async () => {
    const a = await finished('M1b', {}, figures(0.91, 0.9));
    const b = await finished('M1b', { seed: 3 }, figures(0.93, 0.9));
    const c = await finished('M1b', {}, figures(0.5, 0.5, { classNames: Array.from({ length: 47 }, (_, i) => `c${i}`) }), 'emnist-bymerge');
    const summary = async (ids: string[]) => (await svc.gql('query($ids: [ID!]!) { compareSummary(ids: $ids) { datasets classCounts sameDataset sameClasses warnings best { dataset runId testAccuracy } } }', { ids })).data.compareSummary;
    const s = await summary([a.id, b.id, c.id]);
    expect(s).toMatchObject({ datasets: ['emnist-bymerge', 'mnist'], classCounts: [10, 47], sameDataset: false, sameClasses: false });
    expect(s.warnings[0]).toMatch(/different datasets \(emnist-bymerge, mnist\)/);
    expect(s.warnings[1]).toMatch(/different numbers of classes \(10 vs 47\)/);
    // The 10-class run is not crowned over the 47-class one: each dataset has its own best.
    expect(s.best).toEqual([
      { dataset: 'emnist-bymerge', runId: c.id, testAccuracy: 0.5 },
      { dataset: 'mnist', runId: b.id, testAccuracy: 0.93 },
    ]);
    expect(await summary([a.id, b.id])).toMatchObject({ sameDataset: true, sameClasses: true, warnings: [] });
  });
});

describe('pinning a study group to the report', () => {
  it("pins each finished member, modified ones included, names what it could not pin and the pins it replaced, and audits each pin", async () => {
    // M0's row was pinned to another run before.
    const earlier = await launch('M0', { epochs: 1 }, 'mnist', 'pinned before the study');
    await trainer.finish(earlier.id, figures(0.5, 0.5));
    expect((await member.gql(pinMutation, { d: 'mnist', p: 'M0', r: earlier.id })).errors).toBeUndefined();
    // A study launched with fewer epochs: every member is modified, so none stands in the report by itself.
    const launched = await member.gql('mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 3 } }) { id runs { id preset } } }');
    expect(launched.errors).toBeUndefined();
    const groupId: string = launched.data.launchStudy.id;
    const runs: { id: string; preset: string }[] = launched.data.launchStudy.runs;
    expect(runs).toHaveLength(12);
    const finishedRuns = runs.slice(0, 11); // the last (M3b) stays queued
    for (const [i, r] of finishedRuns.entries()) await trainer.finish(r.id, figures(0.6 + i / 100, 0.6));

    const can = async (who: TestUser) => (await who.gql('query($id: ID!) { group(id: $id) { can { pin } } }', { id: groupId })).data.group.can.pin;
    expect(await can(member)).toBe(true);
    expect(await can(viewer)).toBe(false);
    expect(code(await viewer.gql('mutation($id: ID!) { pinGroupToReport(id: $id) { message } }', { id: groupId }))).toBe('FORBIDDEN');

    const pinned = await member.gql('mutation($id: ID!) { pinGroupToReport(id: $id) { message results { id ok message } } }', { id: groupId });
    expect(pinned.errors).toBeUndefined();
    const { message, results } = pinned.data.pinGroupToReport;
    expect(message).toBe('11 runs pinned to the mnist report (1 in place of an earlier pin); 1 not (see each run\'s message).');
    expect(results.filter((r: { ok: boolean }) => r.ok).map((r: { id: string }) => r.id)).toEqual(finishedRuns.map((r) => r.id));
    expect(results.find((r: { id: string }) => r.id === runs[0].id).message).toBe(`replaces the pin of run ${earlier.id.slice(0, 8)}`);
    expect(results.find((r: { ok: boolean }) => !r.ok)).toEqual({ id: runs[11].id, ok: false, message: expect.stringMatching(/is QUEUED; only a finished \(SUCCEEDED\) run can stand for M3b/) });

    const rows = (await report('mnist')).rows;
    for (const r of finishedRuns) expect(row({ rows }, r.preset)).toMatchObject({ choice: 'PINNED', runPath: `/runs/${r.id}` });
    expect(row({ rows }, 'M3b').runPath).not.toBe(`/runs/${runs[11].id}`);

    const audit = (await svc.gql('{ auditLog(first: 50) { entries { action actorName runId detail } } }')).data.auditLog.entries
      .filter((e: { action: string; detail: { group?: string } | null }) => e.action === 'pinReportRun' && e.detail?.group === groupId);
    expect(audit).toHaveLength(11);
    expect(audit.find((e: { runId: string }) => e.runId === runs[0].id)).toMatchObject({ actorName: 'Mia Member', detail: { dataset: 'mnist', preset: 'M0', group: groupId } });

    // Leave the mnist report and the queue as the other tests expect them: no pins, nothing queued.
    for (const r of runs) await member.gql(unpinMutation, { d: 'mnist', p: r.preset });
    expect((await member.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: runs[11].id })).data.cancelRun.status).toBe('CANCELLED');
  });
});

describe('runs stored before config identity existed', () => {
  it('are compared with their presets at startup (backfill), modified or exact', async () => {
    const pool = newPool({ connectionString: svc.databaseUrl, max: 1 });
    try {
      // Stored before the field existed: such configs averaged their batch loss, so they are M0's batch-mean variant.
      const { lossReduction: _dropped, ...old } = findPreset('M0 · batch mean').config;
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO "Run" ("name", "preset", "engine", "dataset", "seed", "config") VALUES
           ('old exact', 'M0', 'scratch', 'mnist', 42, $1::jsonb), ('old modified', 'M0', 'scratch', 'mnist', 42, $2::jsonb) RETURNING "id"`,
        [JSON.stringify(old), JSON.stringify({ ...old, lr: 0.01 })],
      );
      expect(await backfillConfigIdentity(pool)).toBe(2);
      const after = await pool.query(`SELECT "name", "presetExact", "presetChanges", "presetVariant", "configHash" IS NOT NULL AS "hashed" FROM "Run" WHERE "id" = ANY($1::uuid[]) ORDER BY "name"`, [inserted.rows.map((r) => r.id)]);
      expect(after.rows).toEqual([
        { name: 'old exact', presetExact: true, presetChanges: [], presetVariant: 'batch mean', hashed: true },
        { name: 'old modified', presetExact: false, presetChanges: ['lr'], presetVariant: 'batch mean', hashed: true },
      ]);
      expect(await backfillConfigIdentity(pool)).toBe(0);
      await pool.query(`DELETE FROM "Run" WHERE "id" = ANY($1::uuid[])`, [inserted.rows.map((r) => r.id)]);
    } finally {
      await pool.end();
    }
  });
});

describe('migration 0012: the presets changed protocol, runs keep their config', () => {
  it('recomputes every preset run\'s exactness: a mean-loss M1c becomes "M1c · batch mean", exact, listed apart; a study keeps its protocol', async () => {
    const pool = newPool({ connectionString: svc.databaseUrl, max: 1 });
    try {
      // Runs and a study as the previous code stored them: M1c with the batch mean counted as exact M1c.
      const { lossReduction: _dropped, ...m1cMean } = findPreset('M1c · batch mean').config;
      const oldMean = await finished('M1c', { lossReduction: 'mean' }, figures(0.7567, 0.75));
      const oldSum = await finished('M1c', {}, figures(0.8462, 0.84));
      const legacy = await finished('M1c', { lossReduction: 'mean' }, figures(0.70, 0.70));
      const group = await pool.query<{ id: string }>(`INSERT INTO "RunGroup" ("name", "dataset", "overrides") VALUES ('old study', 'mnist', '{"epochs": 3}'), ('old summed study', 'mnist', '{"lossReduction": "sum"}') RETURNING "id"`);
      await pool.query(`UPDATE "Run" SET "presetExact" = true, "presetChanges" = '{}', "presetVariant" = NULL WHERE "id" = $1`, [oldMean.id]);
      await pool.query(`UPDATE "Run" SET "presetExact" = false, "presetChanges" = '{lossReduction}', "presetVariant" = NULL WHERE "id" = $1`, [oldSum.id]);
      await pool.query(`UPDATE "Run" SET "presetExact" = true, "presetChanges" = '{}', "presetVariant" = NULL, "config" = $2::jsonb WHERE "id" = $1`, [legacy.id, JSON.stringify(m1cMean)]);
      const configsBefore = (await pool.query(`SELECT "id", "config" FROM "Run" ORDER BY "id"`)).rows;

      // The hand-written part of the migration, then the server start's backfill.
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, '0012_preset_protocol', 'migration.sql'), 'utf8');
      await pool.query(sql.slice(sql.indexOf('-- Hand-written')));
      expect(await backfillConfigIdentity(pool)).toBeGreaterThanOrEqual(3);

      const label = async (id: string) => (await svc.gql('query($id: ID!) { run(id: $id) { presetLabel presetExact presetVariant published { testAccuracy } } }', { id })).data.run;
      expect(await label(oldMean.id)).toEqual({ presetLabel: 'M1c · batch mean', presetExact: true, presetVariant: 'batch mean', published: null });
      expect(await label(legacy.id)).toMatchObject({ presetLabel: 'M1c · batch mean', presetExact: true });
      expect(await label(oldSum.id)).toMatchObject({ presetLabel: 'M1c', presetExact: true, presetVariant: null });
      // Nothing lost: every stored config is as it was.
      expect((await pool.query(`SELECT "id", "config" FROM "Run" ORDER BY "id"`)).rows).toEqual(configsBefore);
      const protocols = (await pool.query(`SELECT "protocol" FROM "RunGroup" WHERE "id" = ANY($1::uuid[]) ORDER BY "name"`, [group.rows.map((g) => g.id)])).rows;
      expect(protocols).toEqual([{ protocol: 'BATCH_MEAN' }, { protocol: 'PUBLISHED' }]);

      // The report: the summed run stands for M1c; the batch-mean ones are apart, the better by validation accuracy.
      const r = (await svc.gql(`query { studyReport(dataset: "mnist") { rows { preset runPath protocol asPublished } otherProtocolRows { preset label runPath protocol asPublished exactRuns } } }`)).data.studyReport;
      expect(row(r, 'M1c')).toEqual({ preset: 'M1c', runPath: `/runs/${oldSum.id}`, protocol: 'summed gradients', asPublished: true });
      expect(r.otherProtocolRows.find((x: { preset: string }) => x.preset === 'M1c')).toEqual({ preset: 'M1c', label: 'M1c · batch mean', runPath: `/runs/${oldMean.id}`, protocol: 'batch mean', asPublished: false, exactRuns: 2 });
      for (const id of [oldMean.id, oldSum.id, legacy.id]) await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id });
      await pool.query(`DELETE FROM "RunGroup" WHERE "id" = ANY($1::uuid[])`, [group.rows.map((g) => g.id)]);
    } finally {
      await pool.end();
    }
  });
});
