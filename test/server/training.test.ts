/**
 * The run service end to end with a real trainer worker process on the EMNIST fixture (4,700 images):
 * a graphql-ws client sees every epoch as it happens and the run ends SUCCEEDED with its evaluation;
 * a cancel stops a run mid-way keeping its epochs. (A worker killed with SIGKILL: runSurvival.test.ts.)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasEmnist, needsEmnist } from '../helpers/emnist';
import { startUntil, tsxCommand, type Started } from '../helpers/process';
import { untilDelivered } from '../helpers/wait';
import { collect, startTestService, TINY, waitFor, type TestService } from './helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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
    // Its own server without workers, so the run waits until every subscription is live; then a
    // worker joins the way `npm run worker` does.
    const own = await startTestService({ workers: 0 });
    const gqlOwn = own.gql.bind(own);
    let worker: Started | null = null;
    try {
      const client = own.ws();
      const changes = collect(client, 'subscription { runsChanged { kind runId status } }', {}, (d) => d.runsChanged);
      const probes: string[] = [];
      await untilDelivered(
        async () => probes.push((await gqlOwn('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { name: 'probe', dataset: 'mnist', config: TINY } })).data.launchRun.id),
        () => changes.values.some((c) => c.kind === 'created' && probes.includes(c.runId)),
      );
      for (const probe of probes) await gqlOwn('mutation($id: ID!) { deleteRun(id: $id) }', { id: probe });
      const launched = await gqlOwn('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { name: 'streamed', dataset: DATASET, config: { ...TINY, epochs: 3 } } });
      expect(launched.errors).toBeUndefined();
      const id: string = launched.data.launchRun.id;
      // epochAdded is subscribed first on the same socket, so it is live once runUpdated delivers a probe (a notes edit).
      const epochs = collect(client, 'subscription($id: ID!) { epochAdded(runId: $id) { runId epoch trainLoss valAccuracy seconds } }', { id }, (d) => d.epochAdded);
      const updates = collect(client, 'subscription($id: ID!) { runUpdated(id: $id) { id status progress { epoch batch batches phase } } }', { id }, (d) => d.runUpdated);
      await untilDelivered(() => gqlOwn('mutation($id: ID!) { updateRun(id: $id, input: { notes: "probe" }) { id } }', { id }), () => updates.values.length > 0);
      worker = await startUntil(
        ...tsxCommand('server/worker/main.ts'),
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: own.databaseUrl, MODELS_DIR: path.join(own.tmp, 'models'), WORKER_HEARTBEAT_MS: '500' } },
        /\[worker \d+\] ready/,
      );

      const run = await waitFor(async () => {
        const r = (await gqlOwn(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id })).data.run;
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
      const listed = await gqlOwn('{ runs(filter: { status: [SUCCEEDED] }, sort: { field: TEST_ACCURACY, direction: DESC }) { edges { node { id evaluation { accuracy macroF1 } } } } }');
      expect(listed.data.runs.edges[0].node).toEqual({ id, evaluation: { accuracy: run.evaluation.accuracy, macroF1: run.evaluation.macroF1 } });
      expect(run.codeVersion).toBeTruthy();
      // runUpdated saw it go RUNNING (with live progress) and finish; runsChanged saw the status changes.
      await waitFor(async () => updates.values.some((u) => u.status === 'SUCCEEDED'), 5_000);
      expect(updates.values.some((u) => u.status === 'RUNNING' && u.progress)).toBe(true);
      const mine = changes.values.filter((c) => c.runId === id).map((c) => `${c.kind}:${c.status}`);
      expect(mine).toEqual(['created:QUEUED', 'status:RUNNING', 'status:SUCCEEDED']);
      expect(epochs.errors).toEqual([]);
      await Promise.all([epochs.stop(), updates.stop(), changes.stop()]);
    } finally {
      if (worker) expect(await worker.stop()).toBe(0);
      await own.stopAll();
    }
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
