/**
 * The run service end to end with a real trainer worker process on the EMNIST fixture (4,700 images):
 * a graphql-ws client sees every epoch as it happens and the run ends SUCCEEDED with its evaluation;
 * a cancel stops a run mid-way keeping its epochs. (A worker killed with SIGKILL: runSurvival.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasEmnist, needsEmnist } from '../helpers/emnist';
import { collect, startTestService, TINY, waitFor, type TestService } from './helpers';

const DATASET = 'emnist-bymerge-strat100';
const RUN_FIELDS = 'id status error workerPid epochs { epoch trainLoss valAccuracy } evaluation { accuracy macroF1 count confusion classNames perClass { name f1 } } robustness { sigma accuracy } backend codeVersion parameters';

describe.skipIf(!hasEmnist)(`training through the run service${needsEmnist}`, () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({ workers: 1 });
  });
  afterAll(async () => {
    await svc?.stopAll();
  });

  async function launch(config: Record<string, unknown>, name: string) {
    const res = await svc.gql<{ launchRun: { id: string; status: string } }>(
      'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id status dataset } }',
      { input: { name, dataset: DATASET, config } },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.launchRun.id;
  }

  const getRun = async (id: string) => (await svc.gql(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id })).data.run;

  it('streams every epoch over graphql-ws and stores the evaluation', async () => {
    const client = svc.ws();
    const changes = collect(client, 'subscription { runsChanged { kind runId status } }', {}, (d) => d.runsChanged);
    await new Promise((r) => setTimeout(r, 300));
    const id = await launch({ ...TINY, epochs: 3 }, 'streamed');
    const epochs = collect(client, 'subscription($id: ID!) { epochAdded(runId: $id) { runId epoch trainLoss valAccuracy seconds } }', { id }, (d) => d.epochAdded);
    const updates = collect(client, 'subscription($id: ID!) { runUpdated(id: $id) { id status progress { epoch batch batches phase } } }', { id }, (d) => d.runUpdated);
    await new Promise((r) => setTimeout(r, 300));

    const run = await waitFor(async () => {
      const r = await getRun(id);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) && r;
    }, 90_000, 250);
    expect(run.error).toBeNull();
    expect(run.status).toBe('SUCCEEDED');
    // Every epoch arrived live, in order, matching what was stored.
    await waitFor(async () => epochs.values.length >= 3, 5_000);
    expect(epochs.values.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs.values.map((e) => e.trainLoss)).toEqual(run.epochs.map((e: { trainLoss: number }) => e.trainLoss));
    expect(run.evaluation.count).toBeGreaterThan(0);
    expect(run.evaluation.classNames).toHaveLength(47);
    expect(run.evaluation.confusion).toHaveLength(47);
    expect(run.evaluation.perClass).toHaveLength(47);
    expect(run.evaluation.accuracy).toBeGreaterThan(1 / 47); // better than chance after 3 epochs
    expect(run.robustness.map((p: { sigma: number }) => p.sigma)).toEqual([0, 0.2]);
    expect(run.backend).toBe('cpu');
    // The list shows the same figures (joined into its page query) and sorts on them.
    const listed = await svc.gql('{ runs(filter: { status: [SUCCEEDED] }, sort: { field: TEST_ACCURACY, direction: DESC }) { edges { node { id evaluation { accuracy macroF1 } } } } }');
    expect(listed.data.runs.edges[0].node).toEqual({ id, evaluation: { accuracy: run.evaluation.accuracy, macroF1: run.evaluation.macroF1 } });
    expect(run.codeVersion).toBeTruthy();
    // runUpdated saw it go RUNNING (with live progress) and finish; runsChanged saw the status changes.
    await waitFor(async () => updates.values.some((u) => u.status === 'SUCCEEDED'), 5_000);
    expect(updates.values.some((u) => u.status === 'RUNNING' && u.progress)).toBe(true);
    const mine = changes.values.filter((c) => c.runId === id).map((c) => `${c.kind}:${c.status}`);
    expect(mine).toEqual(['created:QUEUED', 'status:RUNNING', 'status:SUCCEEDED']);
    expect(epochs.errors).toEqual([]);
    await Promise.all([epochs.stop(), updates.stop(), changes.stop()]);
  });

  it('cancels a running run within a batch and keeps its finished epochs', async () => {
    const id = await launch({ ...TINY, epochs: 200 }, 'cancelled');
    await waitFor(async () => (await getRun(id)).epochs.length >= 1, 60_000, 100);
    const res = await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { id status } }', { id });
    expect(res.errors).toBeUndefined();
    const t0 = Date.now();
    const run = await waitFor(async () => {
      const r = await getRun(id);
      return r.status !== 'RUNNING' && r;
    }, 30_000, 50);
    expect(run.status).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(run.epochs.length).toBeGreaterThanOrEqual(1);
    expect(run.epochs.length).toBeLessThan(200);
    expect(run.evaluation).toBeNull();
  });
});
