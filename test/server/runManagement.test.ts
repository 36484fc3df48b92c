/**
 * Managing runs and study groups against a real database, with runs moved through the lifecycle by a
 * stand-in trainer (fakeTraining.ts) so every figure is known: a group's status, counts, epochs,
 * progress and ETA (from the throughput its runs measured, on the live workers), the study launch
 * preview with each run's estimate, bulk actions with the permission rule applied to each run and one
 * audit entry per run changed, and the model folder of a run deleted on another host's worker.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lifecycle from '../../server/runs/lifecycle';
import { sweepModelDeletions } from '../../server/runs/modelFiles';
import { announceWorker, forgetWorker } from '../../server/worker/registry';
import { FakeTrainer, type Figures } from './fakeTraining';
import { startTestService, type TestService, type TestUser } from './helpers';
import { newPool } from '../../server/db/pool';

const f = (accuracy: number, extra: Partial<Figures> = {}): Figures => ({ accuracy, macroF1: accuracy, crossEntropy: 0.5, trainAccuracy: accuracy, valAccuracy: accuracy, valLoss: 0.5, ...extra });
const code = (r: { errors?: { extensions?: any }[] }) => r.errors?.[0]?.extensions?.code;

let svc: TestService;
let trainer: FakeTrainer;
let dana: TestUser;

beforeAll(async () => {
  svc = await startTestService({ workers: 0 });
  trainer = new FakeTrainer(svc.databaseUrl);
  dana = await svc.createUser('member', 'Dana');
});
afterAll(async () => {
  await trainer?.close();
  await svc?.stopAll();
});

const GROUP = `query($id: ID!) { group(id: $id) { id name dataset overrides owner status total queued running succeeded failed cancelled finished
  epochsDone epochsTotal progress etaSeconds can { cancel rerun delete }
  members { run { id preset status } epochsDone epochs remainingSeconds finishesInSeconds speedSource }
  report { preset choice runPath label metrics { key ours published } } } }`;

describe('a study group, its progress and its preview', () => {
  const worker = (host: string, pid: number) => ({ id: crypto.randomUUID(), host, pid, backends: [], cores: 2, memoryBytes: 2 ** 30, threads: 1, modelsProblem: null });
  const workers = [worker('fake-a', 1), worker('fake-b', 2)];
  let groupId: string;
  let runs: { id: string; preset: string }[];

  beforeAll(async () => {
    const launched = await svc.gql('mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 2 } }) { id dataset runs { id preset } } }');
    expect(launched.errors).toBeUndefined();
    groupId = launched.data.launchStudy.id;
    runs = launched.data.launchStudy.runs;
    // M0 finishes (2 epochs at 10,000 samples/s), M1a is halfway through its second epoch at 7,000 samples/s, M1b fails.
    await trainer.finish(runs[0].id, f(0.8, { samplesPerSecond: 10_000 }));
    await trainer.start(runs[1].id);
    await lifecycle.recordEpoch(trainer.pool, trainer.holder, runs[1].id, { epoch: 1, lr: 0.001, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 7_000 });
    await lifecycle.reportProgress(trainer.pool, trainer.holder, runs[1].id, { epoch: 2, epochs: 2, batch: 7, batches: 14, samplesPerSecond: 7_000, phase: 'training' });
    const other = new FakeTrainer(svc.databaseUrl);
    await other.start(runs[2].id);
    await other.fail(runs[2].id, 'diverged');
    await other.close();
    for (const w of workers) await announceWorker(trainer.pool, w);
  });
  afterAll(async () => {
    for (const w of workers) await forgetWorker(trainer.pool, w.id);
    // Leave no queued run behind for the other tests' stand-in trainer.
    await svc.gql('mutation($id: ID!) { cancelGroup(id: $id) { message } }', { id: groupId });
  });

  it('lists its members in preset order with status, epochs, ETA and the group totals', async () => {
    const g = (await svc.gql(GROUP, { id: groupId })).data.group;
    expect(g).toMatchObject({ dataset: 'mnist', overrides: { epochs: 2 }, owner: 'Test Admin', status: 'RUNNING', total: 12, queued: 9, running: 1, succeeded: 1, failed: 1, cancelled: 0, finished: 2, epochsTotal: 24 });
    expect(g.name).toMatch(/^Study on mnist/);
    expect(g.members.map((m: any) => m.run.preset)).toEqual(['M0', 'M1a', 'M1b', 'M1c', 'M1d', 'M1e', 'M1f', 'M1g', 'M1h', 'M2', 'M3a', 'M3b']);
    const [m0, m1a, m1b] = g.members;
    expect(m0).toMatchObject({ epochsDone: 2, epochs: 2, remainingSeconds: null, finishesInSeconds: null });
    expect(m1b).toMatchObject({ epochsDone: 0, remainingSeconds: null });
    // M1a: half an epoch of 7,000 MNIST training images left at its live 7,000 samples/s (plus 5% for
    // validation), then the test pass and five noisy passes over 2,000 images at 3× that speed.
    expect(m1a).toMatchObject({ epochsDone: 1, speedSource: 'live' });
    const m1aLeft = (0.5 * 7000 * 1.05) / 7000 + (6 * 2000) / (3 * 7000);
    expect(m1a.remainingSeconds).toBeCloseTo(m1aLeft, 9);
    expect(m1a.finishesInSeconds).toBeCloseTo(m1aLeft, 9); // it holds one of the two workers
    expect(g.epochsDone).toBe(2 + 1);
    // Queued members share the two live workers in queue order; the group ends when its last member does.
    const queued = g.members.slice(3);
    expect(queued.every((m: any) => m.remainingSeconds > 0 && m.finishesInSeconds > 0)).toBe(true);
    expect(g.etaSeconds).toBeCloseTo(Math.max(...queued.map((m: any) => m.finishesInSeconds)), 9);
    expect(g.progress).toBeGreaterThan(0);
    expect(g.progress).toBeLessThan(1);
    expect(g.can).toEqual({ cancel: true, rerun: true, delete: true });
    // Its own report: each member against the published figures (none on MNIST), labelled modified (2 epochs).
    expect(g.report[0]).toMatchObject({ preset: 'M0', choice: 'GROUP_MEMBER', runPath: `/runs/${runs[0].id}`, label: 'M0 (modified: epochs)' });
    expect(g.report[0].metrics.find((m: any) => m.key === 'testAccuracy')).toEqual({ key: 'testAccuracy', ours: 0.8, published: null });
    // Another member sees the admin's group but may not act on it.
    expect((await dana.gql('query($id: ID!) { group(id: $id) { can { cancel rerun delete } } }', { id: groupId })).data.group.can).toEqual({ cancel: false, rerun: true, delete: false });
    // Every run of the group links back to it, and the runs list filters by it.
    const listed = (await svc.gql('query($g: String) { runs(filter: { group: $g }, first: 50) { totalCount edges { node { group eta { remainingSeconds finishesInSeconds speedSource } } } } }', { g: groupId })).data.runs;
    expect(listed.totalCount).toBe(12);
    expect(listed.edges.every((e: any) => e.node.group === groupId)).toBe(true);
    expect((await svc.gql('{ groups(first: 5) { id } }')).data.groups.map((x: { id: string }) => x.id)).toContain(groupId);
    // Searching for the group's id or name finds its runs; each run names its group.
    const search = async (text: string) => (await svc.gql('query($t: String) { runs(filter: { text: $t }) { totalCount edges { node { studyGroup { id name } } } } }', { t: text })).data.runs;
    expect((await search(groupId)).totalCount).toBe(12);
    const byName = await search(g.name);
    expect(byName.totalCount).toBe(12);
    expect(byName.edges[0].node.studyGroup).toEqual({ id: groupId, name: g.name });
  });

  it('previews a study: each run with its estimate from measured throughput, the total, and the queue ahead', async () => {
    const p = (await svc.gql('{ studyPreview(input: { dataset: "mnist", overrides: { epochs: 2 } }) { dataset runs { preset label epochs parameters trainingSamples estimatedSeconds speedSource modified } totalSeconds queueAheadSeconds workers finishesInSeconds problems } }')).data.studyPreview;
    expect(p).toMatchObject({ dataset: 'mnist', workers: 2, problems: [] });
    expect(p.runs).toHaveLength(12);
    const [m0] = p.runs;
    // M0's network was measured at 10,000 samples/s (its epochs above): 2 epochs of 7,000 images (+5%),
    // then six passes over the 2,000 test images at 3× that speed, and 1.5 s to start and save.
    expect(m0).toMatchObject({ preset: 'M0', label: 'M0 (modified: epochs)', modified: ['epochs'], epochs: 2, parameters: 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, trainingSamples: 7000, speedSource: 'measured' });
    expect(m0.estimatedSeconds).toBeCloseTo((2 * 7000 * 1.05) / 10_000 + (6 * 2000) / (3 * 10_000) + 1.5, 9); // + a run's start-up
    // M1g has another network: scaled from the measured scratch runs by parameters; layers presets have no measurement yet.
    expect(p.runs.find((r: any) => r.preset === 'M1g').speedSource).toBe('scaled');
    expect(p.runs.find((r: any) => r.preset === 'M3b').speedSource).toBe('default');
    expect(p.totalSeconds).toBeCloseTo(p.runs.reduce((s: number, r: any) => s + r.estimatedSeconds, 0), 9);
    expect(p.queueAheadSeconds).toBeGreaterThan(0);
    expect(p.finishesInSeconds).toBeGreaterThan(p.totalSeconds / 2);
    // Overrides that do not fit a preset are refused naming it, as the launch would refuse them.
    const bad = await svc.gql('{ studyPreview(input: { dataset: "mnist", overrides: { activation: "gelu" } }) { totalSeconds } }');
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].message).toMatch(/^M0: .*overrides\.activation: the scratch engine supports only relu/);
  });
});

describe('bulk actions', () => {
  it('apply the permission rule to each run, report each outcome, and audit each run changed', async () => {
    const launch = async (who: { gql: TestUser['gql'] }, name: string) => (await who.gql('mutation($i: LaunchRunInput!) { launchRun(input: $i) { id } }', { i: { name, dataset: 'mnist', config: { epochs: 1 } } })).data.launchRun.id as string;
    const mine = await launch(dana, 'dana finished');
    await trainer.finish(mine, f(0.5));
    const admins = await launch(svc, 'admin finished');
    await trainer.finish(admins, f(0.6));
    const queued = await launch(dana, 'dana queued');
    const BULK = 'mutation($i: BulkRunsInput!) { bulkRuns(input: $i) { succeeded failed results { id ok message run { id archivedAt tags status } } } }';
    const bogus = '00000000-0000-4000-8000-000000000000';
    const archived = (await dana.gql(BULK, { i: { ids: [mine, admins, queued, bogus], action: 'ARCHIVE' } })).data.bulkRuns;
    expect(archived).toMatchObject({ succeeded: 1, failed: 3 });
    const by = (id: string) => archived.results.find((r: any) => r.id === id);
    expect(by(mine)).toMatchObject({ ok: true, message: null });
    expect(by(mine).run.archivedAt).not.toBeNull();
    expect(by(admins)).toMatchObject({ ok: false, message: expect.stringMatching(/only its owner or an admin may/) });
    expect(by(admins).run.archivedAt).toBeNull();
    expect(by(queued).message).toMatch(/QUEUED; cancel it first/);
    expect(by(bogus)).toMatchObject({ ok: false, message: `no run with id ${bogus}`, run: null });
    // Tags are open to every member, on anyone's run.
    const tagged = (await dana.gql(BULK, { i: { ids: [admins, mine], action: 'TAG', tags: ['baseline', 'checked'] } })).data.bulkRuns;
    expect(tagged.succeeded).toBe(2);
    expect(tagged.results[0].run.tags).toEqual(['baseline', 'checked']);
    expect((await dana.gql(BULK, { i: { ids: [admins], action: 'UNTAG', tags: ['checked'] } })).data.bulkRuns.results[0].run.tags).toEqual(['baseline']);
    expect(code(await dana.gql(BULK, { i: { ids: [admins], action: 'TAG', tags: [] } }))).toBe('BAD_USER_INPUT');
    const cancelled = (await dana.gql(BULK, { i: { ids: [queued, mine], action: 'CANCEL' } })).data.bulkRuns;
    expect(cancelled.results.map((r: any) => [r.ok, r.run.status])).toEqual([[true, 'CANCELLED'], [false, 'SUCCEEDED']]);
    const deleted = (await dana.gql(BULK, { i: { ids: [queued, mine, admins], action: 'DELETE' } })).data.bulkRuns;
    expect(deleted.results.map((r: any) => [r.ok, r.run === null])).toEqual([[true, true], [true, true], [false, false]]);
    // One audit entry per run changed, under the single-run action's name.
    const audit = (await svc.gql('{ auditLog(first: 12) { entries { action actorName runId detail } } }')).data.auditLog.entries;
    const entries = (action: string) => audit.filter((e: any) => e.action === action && e.actorName === 'Dana');
    expect(entries('deleteRun').map((e: any) => [e.runId, e.detail.name])).toEqual([[mine, 'dana finished'], [queued, 'dana queued']]);
    expect(entries('cancelRun')).toEqual([{ action: 'cancelRun', actorName: 'Dana', runId: queued, detail: { bulk: true } }]);
    expect(entries('archiveRun')).toEqual([{ action: 'archiveRun', actorName: 'Dana', runId: mine, detail: { bulk: true } }]);
    expect(entries('updateRun').length).toBe(3);
    expect(code(await svc.gqlAs(null, BULK, { i: { ids: [admins], action: 'DELETE' } }))).toBe('UNAUTHENTICATED');
  });
});

describe('model files of a deleted run', () => {
  it('on another host are left to a worker there, which removes them when idle', async () => {
    const dir = path.join(svc.tmp, 'elsewhere-models');
    const id = (await svc.gql('mutation { launchRun(input: { dataset: "mnist", config: { epochs: 1 } }) { id } }')).data.launchRun.id as string;
    const modelPath = path.join(dir, id);
    fs.mkdirSync(modelPath, { recursive: true });
    fs.writeFileSync(path.join(modelPath, 'weights.bin'), 'x');
    await trainer.finish(id, f(0.5), { modelPath, host: 'other-host' });
    expect((await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id })).data.deleteRun).toBe(true);
    expect(fs.existsSync(modelPath)).toBe(true); // not this server's host: queued for a worker on other-host
    const pool = newPool({ connectionString: svc.databaseUrl, max: 1 });
    try {
      expect(await sweepModelDeletions(pool, path.join(svc.tmp, 'another-dir'), 'other-host')).toBe(0); // not in that worker's MODELS_DIR
      expect(await sweepModelDeletions(pool, dir, 'third-host')).toBe(0);
      expect(await sweepModelDeletions(pool, dir, 'other-host')).toBe(1);
      expect(fs.existsSync(modelPath)).toBe(false);
      expect((await pool.query('SELECT count(*)::int AS n FROM "ModelFileDeletion"')).rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
