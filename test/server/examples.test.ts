/**
 * Error analysis through the run service, with a real trainer worker on the EMNIST fixture (4,700
 * images): every test image's prediction is stored with the evaluation and reproduces its confusion
 * matrix exactly; the gallery of a cell returns exactly that cell's images, most confidently wrong
 * first, with the dataset's own upright pixels, page after page; whole classes, wrong-only, and the
 * images one run gets right and another wrong; per-epoch validation confusion matrices (live over
 * graphql-ws too) summing to the validation size, the last equal to the saved model evaluated afresh;
 * `predict` on a test image giving the stored prediction; re-evaluation of a run whose predictions are
 * missing (as runs from before they were kept), and the errors for a dataset that is gone, a run
 * without predictions and bad re-evaluation requests. The documents are the dashboard's kind: they
 * pass the limits and are not heavy.
 */
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { parse, validate } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNamedDataset } from '../../server/datasets/catalog';
import { isHeavy } from '../../server/graphql/heavyGate';
import { costRefusal, socketValidationRules } from '../../server/graphql/limits';
import { buildSchema } from '../../server/graphql/schema';
import { validateConfig, DEFAULT_CONFIG } from '../../trainer/config/schema';
import { uprightImage, type Dataset } from '../../trainer/data/dataset';
import { splitDataset } from '../../trainer/data/split';
import { initBackend } from '../../trainer/engine/backend';
import { evaluate } from '../../trainer/eval/evaluate';
import { decodeTestPredictions, predictionsConfusion, type DecodedPredictions } from '../../trainer/eval/testPredictions';
import { loadModel } from '../../trainer/model/savedModel';
import { hasEmnist, needsEmnist } from '../helpers/emnist';
import { untilDelivered } from '../helpers/wait';
import { collect, startTestService, TINY, waitFor, type TestService, type TestUser } from './helpers';
import { newPool } from '../../server/db/pool';

const DATASET = 'emnist-bymerge-strat100';
const CONFIG = { ...TINY, epochs: 3, seed: 11, robustness: { sigmas: [0, 0.2], clip: true } };
const LAUNCH = 'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }';
const GALLERY = `query($id: ID!, $t: Int, $p: Int, $correct: Boolean, $order: ExampleOrder, $first: Int, $after: String) {
  run(id: $id) { id examples(trueClass: $t, predictedClass: $p, correct: $correct, order: $order, first: $first, after: $after) {
    totalCount classNames pageInfo { hasNextPage endCursor }
    items { index trueClass trueLabel prediction { predictedClass predictedLabel confidence trueProbability top3 { classIndex label probability } } image { rows cols pixelsBase64 } } } } }`;
const AGAINST = `query($id: ID!, $other: ID!, $t: Int, $p: Int, $first: Int, $after: String) {
  run(id: $id) { examplesAgainst(other: $other, trueClass: $t, otherPredictedClass: $p, first: $first, after: $after) {
    totalCount comparedImages pageInfo { hasNextPage endCursor }
    items { index trueClass prediction { predictedClass confidence } otherPrediction { predictedClass confidence } } } } }`;
const PREDICT = 'query($ids: [ID!]!, $pixels: [Int!]!, $top: Int) { predict(runIds: $ids, pixels: $pixels, top: $top) { runId name classes { classIndex label probability } } }';
const PREDICTIONS = 'query($id: ID!) { run(id: $id) { predictions { stored count origin confusionDelta canReevaluate reevaluation { status error progress { label done total } } } } }';

const code = (r: { errors?: { extensions?: any }[] }) => r.errors?.[0]?.extensions?.code;

describe.skipIf(!hasEmnist)(`examples, per-epoch confusion and predict${needsEmnist}`, () => {
  let svc: TestService;
  let db: pg.Pool;
  let ds: Dataset;
  let viewer: TestUser;
  /** Two finished runs on the same split (same seed), different widths. */
  let a: string;
  let b: string;

  const predictionsOf = async (id: string): Promise<DecodedPredictions> => {
    const { rows } = await db.query('SELECT "data" FROM "TestPredictions" WHERE "runId" = $1', [id]);
    return decodeTestPredictions(rows[0].data);
  };
  const finished = (id: string) =>
    waitFor(async () => {
      const r = (await svc.gql('query($id: ID!) { run(id: $id) { status error } }', { id })).data.run;
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) && r;
    }, 180_000, 250);

  beforeAll(async () => {
    // The runs train on the cpu backend (TINY); predict on the same backend (the default picks the best available).
    process.env.PREDICT_BACKEND = 'cpu';
    process.env.IMAGE_CACHE_DIR ??= path.join(process.env.TMPDIR ?? '/tmp', `emnist-image-cache-${process.pid}`);
    svc = await startTestService({ workers: 1 });
    db = newPool({ connectionString: svc.databaseUrl, max: 2 });
    viewer = await svc.createUser('viewer');
    ds = await loadNamedDataset(DATASET);
    await initBackend('cpu');
    a = (await svc.gql(LAUNCH, { input: { name: 'A', dataset: DATASET, config: CONFIG } })).data.launchRun.id;
    b = (await svc.gql(LAUNCH, { input: { name: 'B', dataset: DATASET, config: { ...CONFIG, hidden: [6] } } })).data.launchRun.id;
    for (const id of [a, b]) expect(await finished(id)).toMatchObject({ status: 'SUCCEEDED', error: null });
  });
  afterAll(async () => {
    await db?.end();
    await svc?.stopAll();
    if (process.env.IMAGE_CACHE_DIR?.includes(`emnist-image-cache-${process.pid}`)) fs.rmSync(process.env.IMAGE_CACHE_DIR, { recursive: true, force: true });
  });

  it('stores every test image\'s prediction with the evaluation, reproducing its confusion matrix exactly', async () => {
    const run = (await svc.gql(`query($id: ID!) { run(id: $id) { evaluation { count confusion } predictions { stored count origin confusionDelta canReevaluate } } }`, { id: a })).data.run;
    expect(run.predictions).toEqual({ stored: true, count: run.evaluation.count, origin: 'training', confusionDelta: 0, canReevaluate: true });
    const p = await predictionsOf(a);
    expect(p.indices.length).toBe(run.evaluation.count);
    expect(predictionsConfusion(p, 47)).toEqual(run.evaluation.confusion);
    // The indices are the run's test split of the pooled dataset.
    const split = splitDataset(ds, validateConfig({ ...DEFAULT_CONFIG, ...CONFIG }).split, CONFIG.seed);
    expect(Array.from(p.indices)).toEqual(Array.from(split.test));
    expect(Array.from(p.truth)).toEqual(Array.from(split.test, (i) => ds.labels[i]));
  });

  it('gives a cell exactly its images, most confidently wrong first, with the dataset\'s upright pixels, page by page', async () => {
    const p = await predictionsOf(a);
    const confusion: number[][] = predictionsConfusion(p, 47);
    // The largest off-diagonal cell.
    let cell = [0, 1];
    confusion.forEach((row, t) => row.forEach((n, y) => t !== y && n > confusion[cell[0]][cell[1]] && (cell = [t, y])));
    const [t, y] = cell;
    expect(confusion[t][y]).toBeGreaterThan(3);
    const expected = Array.from(p.indices.keys())
      .filter((k) => p.truth[k] === t && p.predicted[k] === y)
      .sort((u, v) => p.top3Probability[3 * v] - p.top3Probability[3 * u] || p.indices[u] - p.indices[v]);
    const got: any[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await svc.gql(GALLERY, { id: a, t, p: y, first: 3, after });
      expect(res.errors).toBeUndefined();
      const page = res.data.run.examples;
      expect(page.totalCount).toBe(confusion[t][y]);
      got.push(...page.items);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(got.map((e) => e.index)).toEqual(expected.map((k) => p.indices[k]));
    got.forEach((e, n) => {
      const k = expected[n];
      expect([e.trueClass, e.prediction.predictedClass, e.trueLabel, e.prediction.predictedLabel]).toEqual([t, y, ds.classNames[t], ds.classNames[y]]);
      expect(e.prediction.confidence).toBe(p.top3Probability[3 * k]);
      expect(e.prediction.trueProbability).toBe(p.trueProbability[k]);
      expect(e.prediction.top3.map((c: any) => c.classIndex)).toEqual(Array.from(p.top3.subarray(3 * k, 3 * k + 3)));
      expect([e.image.rows, e.image.cols]).toEqual([28, 28]);
      expect(Array.from(Buffer.from(e.image.pixelsBase64, 'base64'))).toEqual(Array.from(uprightImage(ds, e.index)));
    });
    for (let n = 1; n < got.length; n++) expect(got[n].prediction.confidence).toBeLessThanOrEqual(got[n - 1].prediction.confidence);
  });

  it('gives a whole class, and the most confidently wrong images of the run', async () => {
    const p = await predictionsOf(a);
    const whole = (await svc.gql(GALLERY, { id: a, t: 24, first: 200, order: 'DATASET_ORDER' })).data.run.examples;
    expect(whole.items.map((e: any) => e.index)).toEqual(Array.from(p.indices).filter((_, k) => p.truth[k] === 24).sort((u, v) => u - v));
    expect(whole.totalCount).toBe(20); // the fixture's 100 images per class, 20 % of them in the test split
    const wrong = (await svc.gql(GALLERY, { id: a, correct: false, first: 10 })).data.run.examples;
    const wrongCount = Array.from(p.truth).filter((v, k) => v !== p.predicted[k]).length;
    expect(wrong.totalCount).toBe(wrongCount);
    const mostConfident = Math.max(...Array.from(p.indices.keys()).filter((k) => p.truth[k] !== p.predicted[k]).map((k) => p.top3Probability[3 * k]));
    expect(wrong.items[0].prediction.confidence).toBe(mostConfident);
    expect(wrong.items.every((e: any) => e.trueClass !== e.prediction.predictedClass)).toBe(true);
  });

  it('gives the images one run gets right and the other wrong, and the reverse', async () => {
    const [pa, pb] = [await predictionsOf(a), await predictionsOf(b)];
    const rightWrong = (x: DecodedPredictions, y: DecodedPredictions) => Array.from(x.indices.keys()).filter((k) => x.truth[k] === x.predicted[k] && y.predicted[k] !== y.truth[k]);
    for (const [id, other, px, py] of [[a, b, pa, pb], [b, a, pb, pa]] as const) {
      const res = (await svc.gql(AGAINST, { id, other, first: 200 })).data.run.examplesAgainst;
      const expected = rightWrong(px, py).sort((u, v) => py.top3Probability[3 * v] - py.top3Probability[3 * u] || px.indices[u] - px.indices[v]);
      expect(res.comparedImages).toBe(px.indices.length); // same seed: the same test split
      expect(res.totalCount).toBe(expected.length);
      expect(res.items.map((e: any) => e.index)).toEqual(expected.slice(0, 200).map((k) => px.indices[k]));
      expect(res.items.every((e: any) => e.prediction.predictedClass === e.trueClass && e.otherPrediction.predictedClass !== e.trueClass)).toBe(true);
    }
    // A cell of the difference map: true class t that B took for y while A was right.
    const k0 = rightWrong(pa, pb)[0];
    const [t, y] = [pa.truth[k0], pb.predicted[k0]];
    const cell = (await svc.gql(AGAINST, { id: a, other: b, t, p: y })).data.run.examplesAgainst;
    expect(cell.totalCount).toBe(rightWrong(pa, pb).filter((k) => pa.truth[k] === t && pb.predicted[k] === y).length);
    expect(cell.items.every((e: any) => e.trueClass === t && e.otherPrediction.predictedClass === y)).toBe(true);
  });

  it('records each epoch\'s validation confusion: sums to the validation size, the last equals the saved model evaluated afresh', async () => {
    const run = (await svc.gql('query($id: ID!) { run(id: $id) { epochs { epoch valAccuracy valConfusion } } }', { id: a })).data.run;
    const split = splitDataset(ds, validateConfig({ ...DEFAULT_CONFIG, ...CONFIG }).split, CONFIG.seed);
    expect(run.epochs.map((e: any) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of run.epochs) {
      expect(e.valConfusion.flat().reduce((s: number, v: number) => s + v, 0)).toBe(split.val.length);
      expect(e.valConfusion.reduce((s: number, row: number[], i: number) => s + row[i], 0) / split.val.length).toBeCloseTo(e.valAccuracy, 12);
    }
    const { model } = await loadModel(path.join(svc.tmp, 'models', a));
    expect(evaluate(model, ds, split.val).confusion).toEqual(run.epochs[2].valConfusion);
    model.dispose();
  });

  it('sends each epoch\'s confusion matrix live, and the evaluation steps in the run\'s progress', async () => {
    const client = svc.ws();
    // Every progress write of the run, as the worker makes them (the subscription reloads the run per
    // event, so it may pass over quick steps).
    await db.query(`CREATE TABLE progress_log (at serial, "runId" uuid, progress jsonb);
      CREATE FUNCTION log_progress() RETURNS trigger AS $$ BEGIN INSERT INTO progress_log ("runId", progress) VALUES (NEW."id", NEW."progress"); RETURN NEW; END; $$ LANGUAGE plpgsql;
      CREATE TRIGGER log_progress AFTER UPDATE OF "progress" ON "Run" FOR EACH ROW WHEN (NEW."progress" IS NOT NULL) EXECUTE FUNCTION log_progress();`);
    // A long run keeps the worker busy until the subscriptions on the next one are live.
    const blocker = (await svc.gql(LAUNCH, { input: { name: 'blocker', dataset: DATASET, config: { ...CONFIG, epochs: 500 } } })).data.launchRun.id;
    const id = (await svc.gql(LAUNCH, { input: { name: 'live', dataset: DATASET, config: { ...CONFIG, epochs: 2 } } })).data.launchRun.id;
    const epochs = collect(client, 'subscription($id: ID!) { epochAdded(runId: $id) { epoch valConfusion } }', { id }, (d) => d.epochAdded);
    const updates = collect(client, 'subscription($id: ID!) { runUpdated(id: $id) { status progress { phase label done total } } }', { id }, (d) => d.runUpdated);
    // epochAdded was subscribed first on the same socket: live once runUpdated delivers the probe.
    await untilDelivered(() => svc.gql('mutation($id: ID!) { updateRun(id: $id, input: { notes: "probe" }) { id } }', { id }), () => updates.values.length > 0);
    await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: blocker });
    expect(await finished(id)).toMatchObject({ status: 'SUCCEEDED' });
    await waitFor(async () => epochs.values.length >= 2 && updates.values.some((u) => u.status === 'SUCCEEDED'), 10_000);
    const stored = (await svc.gql('query($id: ID!) { run(id: $id) { epochs { valConfusion } } }', { id })).data.run.epochs;
    expect(epochs.values.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs.values) expect(e.valConfusion).toEqual(stored[e.epoch - 1].valConfusion);
    // The worker wrote every evaluation step (a new step is always written), in order, each with its progress.
    const written = (await db.query('SELECT progress FROM progress_log WHERE "runId" = $1 ORDER BY at', [id])).rows.map((r) => r.progress);
    const steps = written.map((p) => p.label ?? p.phase).filter((l, k, all) => k === 0 || l !== all[k - 1]);
    // Both robustness protocols from the same noise draw: the config's (clipped), then the other.
    expect(steps.slice(steps.indexOf('evaluating'))).toEqual(['evaluating', 'evaluating training set', 'evaluating test set', 'robustness', 'robustness σ 0.2 (2 of 2)', 'robustness σ 0.2 (2 of 2), unclipped', 'saving']);
    const labelled = [...written, ...updates.values.map((u) => u.progress)].filter((p) => p?.label);
    for (const p of labelled) {
      expect(['evaluating training set', 'evaluating test set', 'robustness σ 0.2 (2 of 2)', 'robustness σ 0.2 (2 of 2), unclipped']).toContain(p.label);
      expect(p.phase).toBe(p.label.startsWith('robustness') ? 'robustness' : 'evaluating');
      expect(p.total).toBe({ 'evaluating training set': 3290, 'evaluating test set': 940, 'robustness σ 0.2 (2 of 2)': 940, 'robustness σ 0.2 (2 of 2), unclipped': 940 }[p.label as string]);
      expect(p.done).toBeGreaterThan(0);
      expect(p.done).toBeLessThanOrEqual(p.total);
    }
    expect(updates.values.filter((u) => u.progress?.phase === 'loading').every((u) => u.progress.total == null)).toBe(true);
    await Promise.all([epochs.stop(), updates.stop()]);
  });

  it('predicts a test image with the stored prediction\'s class and probabilities, for several runs at once', async () => {
    const p = await predictionsOf(a);
    const pb = await predictionsOf(b);
    for (const k of [0, 7, 100]) {
      const pixels = Array.from(uprightImage(ds, p.indices[k]));
      const res = await viewer.gql(PREDICT, { ids: [a, b], pixels, top: 3 });
      expect(res.errors).toBeUndefined();
      const [ra, rb] = res.data.predict;
      expect([ra.runId, rb.runId, ra.name]).toEqual([a, b, 'A']);
      for (const [r, q] of [[ra, p], [rb, pb]] as const) {
        expect(r.classes.map((c: any) => c.classIndex)).toEqual(Array.from(q.top3.subarray(3 * k, 3 * k + 3)));
        expect(r.classes[0].classIndex).toBe(q.predicted[k]);
        r.classes.forEach((c: any, j: number) => expect(c.probability).toBeCloseTo(q.top3Probability[3 * k + j], 5));
        expect(r.classes[0].label).toBe(ds.classNames[q.predicted[k]]);
      }
    }
  });

  it('refuses bad predict input, naming the problem', async () => {
    const pixels = Array.from(uprightImage(ds, 0));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ids: [a], pixels: new Array(784).fill(0) }, /^pixels: the drawing is empty \(every pixel is 0\); draw a character first$/],
      [{ ids: [a], pixels: pixels.slice(1) }, /^pixels: expected 784 values \(28×28, row after row\), got 783$/],
      [{ ids: [a], pixels: [...pixels.slice(0, 5), 256, ...pixels.slice(6)] }, /^pixels\[5\]: 256 is outside 0…255/],
      [{ ids: [a], pixels: [-3, ...pixels.slice(1)] }, /^pixels\[0\]: -3 is outside 0…255/],
      [{ ids: [a, '00000000-0000-4000-8000-000000000000', 'nope'], pixels }, /^runIds: no run with id 00000000-0000-4000-8000-000000000000, nope$/],
      [{ ids: [], pixels }, /^runIds: choose at least one run$/],
      [{ ids: [a, a], pixels }, /^runIds: a run is listed twice$/],
      [{ ids: [a], pixels, top: 0 }, /^top: between 1 and 47 classes$/],
    ];
    for (const [variables, message] of cases) {
      const res = await viewer.gql(PREDICT, variables);
      expect(code(res), String(message)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(message);
    }
  });

  it('re-evaluates a run whose predictions are missing, reproducing them exactly; refuses what cannot be re-evaluated', async () => {
    const original = await db.query('SELECT "data" FROM "TestPredictions" WHERE "runId" = $1', [b]);
    // As a run evaluated before predictions were kept.
    await db.query('DELETE FROM "TestPredictions" WHERE "runId" = $1', [b]);
    expect((await svc.gql(PREDICTIONS, { id: b })).data.run.predictions).toEqual({ stored: false, count: null, origin: null, confusionDelta: null, canReevaluate: true, reevaluation: null });
    const missing = await svc.gql(GALLERY, { id: b, first: 1 });
    expect(code(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors![0].message).toMatch(/has no per-image test predictions: it was evaluated before they were kept .*Re-evaluate its saved model \(mutation reevaluateRun\)/);
    expect(code(await viewer.gql('mutation($id: ID!) { reevaluateRun(id: $id) { id } }', { id: b }))).toBe('FORBIDDEN');
    const asked = await svc.gql('mutation($id: ID!) { reevaluateRun(id: $id) { id predictions { reevaluation { status } } } }', { id: b });
    expect(asked.errors).toBeUndefined();
    expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(asked.data.reevaluateRun.predictions.reevaluation.status);
    const done = await waitFor(async () => {
      const info = (await svc.gql(PREDICTIONS, { id: b })).data.run.predictions;
      return ['SUCCEEDED', 'FAILED'].includes(info.reevaluation?.status) && info;
    }, 60_000, 200);
    expect(done).toMatchObject({ stored: true, origin: 're-evaluation', confusionDelta: 0, reevaluation: { status: 'SUCCEEDED', error: null } });
    const again = await db.query('SELECT "data" FROM "TestPredictions" WHERE "runId" = $1', [b]);
    expect(Buffer.compare(again.rows[0].data, original.rows[0].data)).toBe(0); // the same bytes: same model, same data, same blocks
    const audit = (await svc.gql('{ auditLog(filter: { action: "reevaluateRun" }) { entries { runId actorName } } }')).data.auditLog.entries;
    expect(audit).toEqual([{ runId: b, actorName: 'Test Admin' }]);

    // A run that never finished has no model to re-evaluate.
    const cancelled = (await svc.gql(LAUNCH, { input: { name: 'never', dataset: DATASET, config: { ...CONFIG, epochs: 500 } } })).data.launchRun.id;
    await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: cancelled });
    await finished(cancelled);
    const refused = await svc.gql('mutation($id: ID!) { reevaluateRun(id: $id) { id } }', { id: cancelled });
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toMatch(/^Cannot re-evaluate: run .* is CANCELLED; only a finished \(SUCCEEDED\) run has a model to re-evaluate$/);
    expect((await svc.gql(PREDICTIONS, { id: cancelled })).data.run.predictions.canReevaluate).toBe(false);
    const predictCancelled = await svc.gql(PREDICT, { ids: [cancelled], pixels: Array.from(uprightImage(ds, 0)) });
    expect(predictCancelled.errors![0].message).toMatch(/^run .* \(never\) has not finished \(CANCELLED\): only a finished run has a saved model$/);
  });

  it('says so when the dataset the run was evaluated on is gone, and still lists the predictions without images', async () => {
    const saved = process.env.EMNIST_DIR;
    process.env.EMNIST_DIR = path.join(svc.tmp, 'no-emnist-here');
    try {
      const res = await svc.gql(GALLERY, { id: a, first: 2 });
      expect(code(res)).toBe('DATASET_UNAVAILABLE');
      expect(res.errors![0].message).toMatch(/^The images cannot be shown: the dataset emnist-bymerge-strat100 this run was evaluated on is no longer available on this server \(it has emnist-bymerge, mnist\)\. If its files moved, set EMNIST_DIR to their folder and restart\.$/);
      const withoutImages = await svc.gql('query($id: ID!) { run(id: $id) { examples(first: 2) { totalCount items { index prediction { confidence } } } } }', { id: a });
      expect(withoutImages.errors).toBeUndefined();
      expect(withoutImages.data.run.examples.items).toHaveLength(2);
    } finally {
      process.env.EMNIST_DIR = saved;
    }
  });

  it('refuses a deleted model by name, and reports it in savedModel', async () => {
    fs.rmSync(path.join(svc.tmp, 'models', b), { recursive: true, force: true });
    const res = await svc.gql(PREDICT, { ids: [a, b], pixels: Array.from(uprightImage(ds, 0)) });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(new RegExp(`^run ${b} \\(B\\) has no saved model on this server any more \\(models/${b} was deleted or saved on another host\\)$`));
    expect((await svc.gql('query($id: ID!) { run(id: $id) { savedModel { available problem } } }', { id: b })).data.run.savedModel).toEqual({ available: false, problem: 'its saved model is not on this server (deleted, or saved on another host)' });
  });

  it('keeps the dashboard\'s documents within the limits, and a gallery page of 60 is not heavy', () => {
    const schema = buildSchema();
    for (const [query, variables] of [[GALLERY, { first: 60 }], [AGAINST, { first: 60 }], [PREDICT, {}], [PREDICTIONS, {}]] as const) {
      const doc = parse(query);
      expect(validate(schema, doc, socketValidationRules)).toEqual([]);
      expect(costRefusal(schema, doc, variables)).toBeNull();
      expect(isHeavy(schema, doc, variables)).toBe(false);
    }
  });
});
